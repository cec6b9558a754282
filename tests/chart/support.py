"""Rendering the chart with the real Helm engine (helm-python-sdk binds Helm's Go SDK)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "charts" / "berth"
PRESETS = REPO / "deploy" / "values"
PRESET_FILES = {
    "direct": PRESETS / "direct.yaml",
    "proxied": PRESETS / "proxied.yaml",
    "artifactsOnly": PRESETS / "artifacts-only.yaml",
}
MODES = list(PRESET_FILES)
RELEASE = "rel"
NAMESPACE = "ml"
FULLNAME = "rel-berth"
KUBE_VERSION = "1.30.0"
API_COMPONENTS = ("tracking", "registry", "artifacts")


def merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` on top of ``base``, maps merged key by key (as ``helm -f a -f b``)."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def preset(mode: str) -> dict[str, Any]:
    values: dict[str, Any] = yaml.safe_load(PRESET_FILES[mode].read_text())
    return values


def values_for(mode: str | None, overrides: dict[str, Any] | None) -> dict[str, Any]:
    return merged(preset(mode) if mode else {}, overrides or {})


@dataclass(frozen=True)
class Release:
    """One rendered release: the manifests by template, parsed, and NOTES.txt."""

    manifests: dict[str, str]

    @property
    def documents(self) -> list[dict[str, Any]]:
        docs: list[dict[str, Any]] = []
        for path, text in sorted(self.manifests.items()):
            if path.endswith("NOTES.txt"):
                continue
            docs.extend(d for d in yaml.safe_load_all(text) if d)
        return docs

    @property
    def notes(self) -> str:
        return next(t for p, t in self.manifests.items() if p.endswith("NOTES.txt"))

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [d for d in self.documents if d["kind"] == kind]

    def get(self, kind: str, name: str) -> dict[str, Any]:
        found = [d for d in self.of_kind(kind) if d["metadata"]["name"] == name]
        assert found, (
            f"no {kind} {name}; have {[d['metadata']['name'] for d in self.of_kind(kind)]}"
        )
        return found[0]

    def has(self, kind: str, name: str) -> bool:
        return any(d["metadata"]["name"] == name for d in self.of_kind(kind))

    def components(self) -> set[str]:
        """The components that run as Deployments."""
        return {
            d["metadata"]["labels"]["app.kubernetes.io/component"]
            for d in self.of_kind("Deployment")
        }

    def deployment(self, component: str) -> dict[str, Any]:
        return self.get("Deployment", f"{FULLNAME}-{component}")

    def container(self, component: str) -> dict[str, Any]:
        container: dict[str, Any] = self.deployment(component)["spec"]["template"]["spec"][
            "containers"
        ][0]
        return container

    def config(self) -> dict[str, str]:
        data: dict[str, str] = self.get("ConfigMap", FULLNAME)["data"]
        return data

    def nginx_conf(self) -> str:
        conf: str = self.get("ConfigMap", f"{FULLNAME}-gateway")["data"]["nginx.conf"]
        return conf

    def nginx_routes(self) -> dict[str, str]:
        """nginx location (with its modifier, "~ regex" or "= path") -> the host:port its
        upstream sends to, in the order of the configuration."""
        conf = self.nginx_conf()
        upstreams = dict(re.findall(r"upstream (\S+) \{\s*server (\S+);", conf))
        routes = re.findall(r"location ((?:[~=] )?\S+) \{[^}]*?proxy_pass http://(\S+);", conf)
        return {location: upstreams[name] for location, name in routes}

    def gateway_service_for(self, path: str) -> str:
        """The Service the gateway's nginx sends ``path`` to, chosen as nginx chooses a
        location: an exact match, else the first regex that matches, else the longest
        prefix (the configuration has no ``^~`` prefixes)."""
        routes = self.nginx_routes()
        exact = routes.get(f"= {path}")
        regex = (a for loc, a in routes.items() if loc[:2] == "~ " and re.search(loc[2:], path))
        prefixes = [loc for loc in routes if loc[0] == "/" and path.startswith(loc)]
        address = exact or next(regex, None) or routes[max(prefixes, key=len)]
        return address.split(":")[0]

    def ingress_service_for(self, path: str) -> str:
        """The Service the release's Ingresses send ``path`` to: the longest matching path
        wins, Exact before Prefix (Kubernetes' rule)."""
        candidates = [
            (len(rule["path"]), rule["pathType"] == "Exact", rule["backend"]["service"]["name"])
            for ingress in self.of_kind("Ingress")
            for rule in ingress["spec"]["rules"][0]["http"]["paths"]
            if _path_matches(rule["pathType"], rule["path"], path)
        ]
        return max(candidates)[2]

    def http_route_service_for(self, path: str) -> str:
        """The Service the release's HTTPRoute sends ``path`` to: an Exact match first, then
        the longest PathPrefix (the Gateway API's precedence)."""
        candidates = [
            (match["path"]["type"] == "Exact", len(match["path"]["value"]), rule["backendRefs"])
            for route in self.of_kind("HTTPRoute")
            for rule in route["spec"]["rules"]
            for match in rule["matches"]
            if _path_matches(match["path"]["type"], match["path"]["value"], path)
        ]
        backends: list[dict[str, Any]] = max(candidates, key=lambda c: c[:2])[2]
        return str(backends[0]["name"])

    def pod_specs(self) -> list[tuple[str, dict[str, Any]]]:
        """Every pod this release can start: workloads, hook Jobs, CronJobs' Jobs and the
        test Pod."""
        specs = []
        for doc in self.documents:
            name = f"{doc['kind']}/{doc['metadata']['name']}"
            if doc["kind"] in {"Deployment", "StatefulSet", "Job"}:
                specs.append((name, doc["spec"]["template"]["spec"]))
            elif doc["kind"] == "CronJob":
                specs.append((name, doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]))
            elif doc["kind"] == "Pod":
                specs.append((name, doc["spec"]))
        return specs


def _path_matches(kind: str, pattern: str, path: str) -> bool:
    """Kubernetes' (and the Gateway API's) path matching: Exact is the whole path; a prefix
    matches element by element, so /api/ matches /api/x but not /apix."""
    if kind == "Exact":
        return path == pattern
    elements = [e for e in pattern.split("/") if e]
    return [e for e in path.split("/") if e][: len(elements)] == elements


def render(mode: str | None = None, overrides: dict[str, Any] | None = None) -> Release:
    """Render the chart as ``helm template`` would, with a preset and overrides."""
    with helm.Chart.load(str(CHART)) as chart:
        manifests = chart.render(
            values_for(mode, overrides), name=RELEASE, namespace=NAMESPACE, is_install=True
        )
    return Release({k: v for k, v in manifests.items() if v.strip()})


def render_error(mode: str | None, overrides: dict[str, Any]) -> str:
    """The message of a render that must fail."""
    try:
        render(mode, overrides)
    except (helm.HelmRenderError, helm.HelmValuesError) as exc:
        return str(exc)
    raise AssertionError(f"rendering {mode} with {overrides} succeeded")


def lint(mode: str | None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    return helm.lint(str(CHART), values_for(mode, overrides), strict=True, namespace=NAMESPACE)


def env_of(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in container.get("env", [])}
