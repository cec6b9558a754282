"""Which ``source`` a model version may be registered from, and how its files are reached.

A source is one of:

- ``runs:/<run_id>/<path>``: a run's artifacts; resolves to the run's artifact URI + path;
- ``models:/<model_id>``: a logged model (what the 3.x client sends); resolves to its artifact
  location; ``models:/<name>/<version|stage|latest>`` and ``models:/<name>@<alias>`` name another
  registered version and resolve to its files;
- any other URI (``mlflow-artifacts:/...``, ``s3://...``, ``file:///...``): accepted only with a
  ``run_id`` or ``model_id`` and only when it lies inside that run's artifact URI or that logged
  model's artifact location (compared segment by segment after canonicalising, as MLflow 3.17
  does), so a version can only point at the files of the run or model it names. Such a source
  may be in a store the server does not read (an experiment in another bucket); the server
  records it and never fetches it;
- for a prompt version (tagged ``mlflow.prompt.is_prompt = true``), exactly one of MLflow's
  placeholders (:data:`PROMPT_SOURCES`): prompts have no files.

Anything else is refused with INVALID_PARAMETER_VALUE: local paths, URIs naming no run or
model, URIs outside the one they name, and any traversal, however encoded. The text is
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
PROMPT_SOURCES = frozenset({"dummy-source", "prompt-template"})
"""The sources MLflow's senders give prompt versions (the client and the UI send
``dummy-source``, the registry store ``prompt-template``); a prompt takes no other."""


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
class UriSource:
    """A URI of an artifact store, kept as given (``uri``) beside its canonical form."""

    uri: str
    location: CanonicalUri


@dataclass(frozen=True)
class CanonicalUri:
    """Scheme and authority lowercased, the path as decoded segments ('' and '.' dropped)."""

    scheme: str
    authority: str
    segments: tuple[str, ...]

    @classmethod
    def of(cls, uri: str) -> CanonicalUri | None:
        """The canonical form of ``uri``, or None when it has no scheme or its path leaves
        its root ('..' in any spelling)."""
        try:
            parts = urlsplit(fully_decoded(uri))
            path = canonical_relative_path(parts.path.lstrip("/"))
        except BerthError:
            return None
        if not parts.scheme:
            return None
        segments = tuple(path.split("/")) if path else ()
        return cls(parts.scheme.lower(), parts.netloc.lower(), segments)

    def within(self, root: str) -> bool:
        """Whether this URI is ``root`` or lies below it. A root with no path (a bucket, a
        store's top) contains nothing: no source may claim a whole store."""
        anchor = CanonicalUri.of(root)
        return (
            anchor is not None
            and bool(anchor.segments)
            and (self.scheme, self.authority) == (anchor.scheme, anchor.authority)
            and self.segments[: len(anchor.segments)] == anchor.segments
        )


Source = RunSource | LoggedModelSource | RegisteredSource | UriSource


def refused(source: str, reason: str) -> BerthError:
    return invalid(f"Invalid model version source: '{source}'. {reason}")


def not_contained(source: str, parameter: str) -> BerthError:
    """MLflow's refusal of a source outside the run or logged model a request names."""
    return refused(
        source,
        f"The {parameter} request parameter must identify the resource that contains the source.",
    )


def is_prompt(tags: dict[str, str]) -> bool:
    """MLflow's rule for a prompt version: the prompt tag (last value wins) is 'true' in any
    case."""
    return tags.get("mlflow.prompt.is_prompt", "false").lower() == "true"


def check_prompt_source(source: str) -> None:
    if source not in PROMPT_SOURCES:
        raise invalid(
            f"Invalid prompt source: '{source}'. Prompt sources must use an MLflow placeholder "
            f"({', '.join(sorted(PROMPT_SOURCES))})."
        )


class SourcePolicy:
    """How sources are parsed, and how the server's own store is named in this mode.

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
        if not scheme:
            raise refused(
                source,
                "Local paths are not accepted. Sources must be runs:/<run_id>/<path>, "
                "models:/<model_id>, models:/<name>/<version>, or a URI inside the artifacts "
                "of the run (run_id) or logged model (model_id) the request names.",
            )
        self._relative(source, parts.path)
        location = CanonicalUri.of(source)
        if location is None:  # unreachable after the checks above; kept for the type
            raise refused(source, "It is not a URI.")
        return UriSource(source, location)

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
        """Where ``uri`` lives inside the server's store, or None when elsewhere (an
        ``mlflow-artifacts:`` URI naming a host is another server's)."""
        parts = urlsplit(uri)
        if parts.scheme.lower() == "mlflow-artifacts" and (parts.netloc or not self.proxied):
            return None
        return self._store_path(uri)
