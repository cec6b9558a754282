"""Which ``source`` a model version may be registered from, and how its files are reached.

A source is one of:

- ``runs:/<run_id>/<path>``: a run's artifacts; resolves to the run's artifact URI + path;
- ``models:/<model_id>``: a logged model (what the 3.x client sends); resolves to its artifact
  location; ``models:/<name>/<version|stage|latest>`` and ``models:/<name>@<alias>`` name another
  registered version and resolve to its files;
- a URI inside the server's own artifact store: ``mlflow-artifacts:/<path>`` when the server
  proxies artifacts, or the store's scheme, host and root prefix (``s3://bucket/root/...``,
  ``file:///srv/mlartifacts/...``) when clients write to it directly.

Anything else is refused with INVALID_PARAMETER_VALUE: local paths, ``file:`` URIs outside
the store, other schemes and hosts, and any traversal, however encoded. The text is
percent-decoded until stable and checked before it is parsed; the server never opens or
fetches a source, it only records it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from berth.artifacts.paths import canonical_relative_path, fully_decoded, has_control_characters
from berth.errors import BerthError, invalid
from berth.tracking.locations import path_in_store

MAX_SOURCE_LENGTH = 4000


@dataclass(frozen=True)
class RunSource:
    run_id: str
    path: str
    """Canonical relative path inside the run's artifacts ('' for the root)."""


@dataclass(frozen=True)
class LoggedModelSource:
    model_id: str


@dataclass(frozen=True)
class RegisteredSource:
    """Another registered version: ``reference`` is a version number, a stage, ``latest``
    (``models:/<name>/<reference>``) or an alias (``models:/<name>@<alias>``)."""

    name: str
    reference: str
    is_alias: bool


@dataclass(frozen=True)
class StoreSource:
    uri: str


Source = RunSource | LoggedModelSource | RegisteredSource | StoreSource


def refused(source: str, reason: str) -> BerthError:
    return invalid(f"Invalid model version source: '{source}'. {reason}")


_ALLOWED = (
    "Sources must be runs:/<run_id>/<path>, models:/<model_id>, models:/<name>/<version>, "
    "or a URI inside this server's artifact store ({stores})."
)


class SourcePolicy:
    """The sources this server accepts, given its artifact store and mode.

    ``store_root`` is the URI of the store the server reads (``file:///srv/mlartifacts``,
    ``s3://bucket/root``); ``proxied`` says whether clients reach it as ``mlflow-artifacts:``.
    """

    def __init__(self, store_root: str, proxied: bool) -> None:
        self.store_root = store_root.rstrip("/")
        self.proxied = proxied

    def parse(self, source: str) -> Source:
        if len(source) > MAX_SOURCE_LENGTH:
            raise refused(source[:100] + "...", f"It exceeds {MAX_SOURCE_LENGTH} characters.")
        try:
            decoded = fully_decoded(source)
        except BerthError:
            raise refused(source, "It is percent-encoded too many times.") from None
        if has_control_characters(decoded) or "\\" in decoded:
            raise refused(source, "Control characters and '\\' are not allowed.")
        if "#" in decoded or "?" in decoded:
            raise refused(source, "'?' and '#' are not allowed.")
        parts = urlsplit(decoded)
        scheme = parts.scheme.lower()
        if urlsplit(source).scheme.lower() != scheme:
            raise refused(source, "The scheme must not be percent-encoded.")
        if scheme == "runs":
            return self._run(source, parts.netloc, parts.path)
        if scheme == "models":
            return self._model(source, parts.netloc, parts.path)
        return StoreSource(self._in_store(source, decoded))

    def _run(self, source: str, netloc: str, path: str) -> RunSource:
        run_id, _, artifact_path = path.lstrip("/").partition("/")
        if netloc or not run_id or not path.startswith("/"):
            raise refused(source, "A runs: URI is runs:/<run_id>/<path>, with no host.")
        return RunSource(run_id, self._relative(source, artifact_path))

    def _model(self, source: str, netloc: str, path: str) -> Source:
        body = path.lstrip("/")
        if netloc or not body or not path.startswith("/") or body.endswith("/"):
            raise refused(
                source,
                "A models: URI is models:/<model_id>, models:/<name>/<version> or "
                "models:/<name>@<alias>, with no host.",
            )
        if "/" in body:
            name, _, reference = body.rpartition("/")
            if "/" in name or not name:
                raise refused(source, "Model names cannot contain '/'.")
            return RegisteredSource(name, reference, is_alias=False)
        if "@" in body:
            name, _, alias = body.rpartition("@")
            if not name or not alias:
                raise refused(source, "An alias URI is models:/<name>@<alias>.")
            return RegisteredSource(name, alias, is_alias=True)
        return LoggedModelSource(body)

    def _in_store(self, source: str, decoded: str) -> str:
        parts = urlsplit(decoded)
        stores = "mlflow-artifacts:/..." if self.proxied else f"{self.store_root}/..."
        allowed = _ALLOWED.format(stores=stores)
        if not parts.scheme:
            raise refused(source, f"Local paths are not accepted. {allowed}")
        self._relative(source, parts.path)
        if parts.scheme.lower() == "mlflow-artifacts":
            if not self.proxied or parts.netloc:
                raise refused(source, allowed)
        elif self._store_path(decoded) is None:
            raise refused(source, allowed)
        return source

    def _store_path(self, uri: str) -> str | None:
        try:
            return path_in_store(self.store_root, uri)
        except BerthError:
            return None

    @staticmethod
    def _relative(source: str, path: str) -> str:
        """The path, canonical; traversal in any spelling is refused."""
        try:
            return canonical_relative_path(path.lstrip("/"))
        except BerthError:
            raise refused(source, "Relative references ('..') are not allowed.") from None

    # ------------------------------------------------------------------ reading

    def readable(self, uri: str) -> str:
        """``uri`` as clients can read it in this mode: files of the server's store as
        ``mlflow-artifacts:/<path>`` when proxied, and as the store's own URI when clients
        reach the store directly. URIs of other stores are returned unchanged."""
        path = self.path_in_store(uri)
        if path is None:
            return uri
        if self.proxied:
            return f"mlflow-artifacts:/{path}" if path else "mlflow-artifacts:/"
        return f"{self.store_root}/{path}" if path else self.store_root

    def path_in_store(self, uri: str) -> str | None:
        """Where ``uri`` lives inside the server's store, or None when elsewhere."""
        if urlsplit(uri).scheme.lower() == "mlflow-artifacts" and not self.proxied:
            return None
        return self._store_path(uri)
