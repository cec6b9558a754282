"""Fixtures shared by every test folder, loaded as plugins."""

pytest_plugins = ["tests.fixtures.databases", "tests.fixtures.s3"]
