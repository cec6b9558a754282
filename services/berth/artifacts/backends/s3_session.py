"""The botocore session the S3 backend makes its clients from, with botocore's data kept small.

A client keeps the JSON documents botocore loaded to make it for as long as it lives (its
configuration refers back to the session that holds them), in every worker:

- ``endpoints.json``, a table of every AWS service in every region: 6.7 MiB parsed. This
  session's clients are S3 and the ones its credential providers make (STS for assumed roles
  and web identity, SSO, sign-in), so the table keeps only those services' entries.
  Partitions, regions and defaults are botocore's own, so their endpoints resolve exactly as
  with the full table.
- S3's service model and endpoint rules: 4.5 MiB as botocore parses them, as ``OrderedDict``
  and with every shape's HTML documentation. Kept as plain dicts (ordered as well) with the
  documentation emptied (only generated docstrings read it): 1.9 MiB. They are parsed that
  way: compacting them after botocore's parse would leave the parse's memory behind, in
  holes between objects that live on.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from aiobotocore.session import AioSession
from botocore.loaders import JSONFileLoader, create_loader

CLIENT_SERVICES = frozenset({"s3", "sts", "sso", "sso-oidc", "signin"})
"""The services an S3 client's session makes clients for: S3 and its credential providers."""

_ENDPOINTS_FILE = "endpoints"
_DOCUMENTATION = "documentation"
_EXTENSIONS = (".json", ".json.gz")


class _CompactFileLoader(JSONFileLoader):
    """botocore's JSON loader (the same files, ``.json`` before ``.json.gz``), parsing into
    compact documents (see the module's docstring)."""

    def load_file(self, file_path: str) -> Any:
        for extension in _EXTENSIONS:
            path = Path(file_path + extension)
            if path.is_file():
                raw = path.read_bytes()
                text = (gzip.decompress(raw) if extension.endswith(".gz") else raw).decode("utf-8")
                data = json.loads(text, object_pairs_hook=_compact)
                if path.name.startswith(f"{_ENDPOINTS_FILE}."):
                    return endpoints_of(data, CLIENT_SERVICES)
                return data
        return None


def _compact(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a plain dict, its ``documentation`` emptied (the key stays: botocore
    reads some of them by index). Done while parsing, so the full text is never all held."""
    return {key: "" if key == _DOCUMENTATION else value for key, value in pairs}


def endpoints_of(table: dict[str, Any], services: frozenset[str]) -> dict[str, Any]:
    """``table`` (botocore's ``endpoints.json``) with the entries of ``services`` only."""
    partitions = [
        {
            **partition,
            "services": {
                name: entry
                for name, entry in partition.get("services", {}).items()
                if name in services
            },
        }
        for partition in table.get("partitions", [])
    ]
    return {**table, "partitions": partitions}


def s3_session(profile: str | None) -> AioSession:
    """A session for S3 clients: botocore's own, loading its data through
    :class:`_CompactFileLoader` (``AWS_DATA_PATH`` and a profile's ``data_path`` still apply)."""
    session = AioSession(profile=profile)
    loader = create_loader(session.get_config_variable("data_path"))
    loader.file_loader = _CompactFileLoader()
    session.register_component("data_loader", loader)
    return session
