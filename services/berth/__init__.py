"""Berth: an MLflow-compatible ML lifecycle platform."""

__version__ = "0.1.0"
