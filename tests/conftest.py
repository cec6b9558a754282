"""Fixtures shared by every test folder, loaded as plugins."""

import os

# Apps and `berth` subprocesses that tests start serve no gRPC unless a test asks for it with a
# port of its own: the default port (50051) would be shared by every server at once.
os.environ["BERTH_GRPC_PORT"] = "0"

pytest_plugins = ["tests.fixtures.databases", "tests.fixtures.s3"]
