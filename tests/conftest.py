"""Fixtures shared by every test folder, loaded as plugins."""

pytest_plugins = ["tests.fixtures.databases"]
