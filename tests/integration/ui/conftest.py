"""The UI's endpoints in process, on SQLite and PostgreSQL: the registry REST fixtures (a
proxied-mode app with tracking and registry, in front of an emptied database)."""

from tests.integration.registry.rest.conftest import (  # noqa: F401  (fixtures)
    api,
    artifacts_destination,
    module_api,
)
