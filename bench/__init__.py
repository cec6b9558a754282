"""Benchmarks of Berth against ``mlflow server`` on the same machine (``make bench``)."""
