"""Run one mode of the rendered Helm chart as local processes, and the mlflow client through it.

    uv run python deploy/local-check/local_check.py --mode proxied

What a cluster would do, done on this machine from the manifests Helm renders (no Docker, no
Kubernetes):

1. render the chart with the mode's preset (deploy/values/<mode>.yaml); the database and the
   store are given by in-cluster names (postgres.db.svc..., s3.storage.svc...) and Secrets an
   operator would have made (berth-database, berth-s3);
2. start what the cluster provides: a fresh database on the local PostgreSQL, moto's S3 server
   with the bucket;
3. run the migration hook Job's container, then each Deployment's init containers and
   container, with the container's args and the env it would get (the image's, literal
   values, the rendered ConfigMaps and Secrets); every Service name is mapped to a loopback
   port, and a container that declares a grpc port gets one of its own, whose grpc.health.v1
   must answer SERVING. The image's web UI build is this machine's (`python -m
   berth.ui.fetch`, fetched once into the user's cache, or --ui-dir);
4. run the gateway's rendered nginx.conf with a real nginx (upstreams, listen port and temp
   paths rewritten);
5. through the gateway URL: the `helm test` Pod's smoke script, then the released mlflow client
   (client.py): a run with a file and an sklearn model, registered and loaded; artifacts-only
   mode moves files with the artifact repository. In proxied mode the client has no S3
   credentials, and the artifact pods' /metrics must show that the bytes went through them;
   in direct mode the client writes to S3 itself;
   the web UI (the smoke script opens / too, and checks that artifacts-only has none): / is
   the build's index.html and its code loads from /static-files/; a run's page gets the run
   from POST /graphql and GET /ajax-api/2.0/mlflow/runs/get (the page itself,
   /#/experiments/<id>/runs/<run>, is a hash route of /); the UI's model-version file
   downloads (/model-versions/get-artifact) reach the registry pods;
6. where there are runs, a run deleted through the gateway, then the gc CronJob's container
   once: it must delete that run for good.

Exits 0 and prints "local check passed" when every step worked.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

import asyncpg
import boto3
import grpc
import helm_python as helm
import yaml
from grpc_health.v1 import health_pb2, health_pb2_grpc

from berth.ui import fetch as ui_fetch

SERVING_STATUS = health_pb2.HealthCheckResponse.ServingStatus
SERVING = health_pb2.HealthCheckResponse.SERVING
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CHART = REPO / "charts" / "berth"
PRESETS = {
    "direct": REPO / "deploy" / "values" / "direct.yaml",
    "proxied": REPO / "deploy" / "values" / "proxied.yaml",
    "artifactsOnly": REPO / "deploy" / "values" / "artifacts-only.yaml",
}
RELEASE = "check"
NAMESPACE = "local"
DB_HOST = "postgres.db.svc.cluster.local:5432"
S3_HOST = "s3.storage.svc.cluster.local:9000"
BUCKET = "mlflow"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
BIN = Path(sys.executable).parent
START_TIMEOUT = 90.0
# Where the image keeps the UI build (services/Dockerfile: ENV BERTH_UI_DIR); here, this
# machine's build stands in for it.
UI_DIR_ENV = "BERTH_UI_DIR"
GET_RUN = (
    "query GetRun($id: String!) { mlflowGetRun(input: {runId: $id}) "
    "{ run { info { runId runName experimentId } data { params { key value } } } } }"
)


def log(message: str) -> None:
    print(f"[local-check] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def render(mode: str) -> list[dict[str, Any]]:
    """The mode's preset with this machine's stand-ins for the cluster's database and store."""
    values = merged(
        yaml.safe_load(PRESETS[mode].read_text()),
        {
            "s3": {
                "endpointUrl": f"http://{S3_HOST}",
                "addressingStyle": "path",
                "region": "us-east-1",
                "existingSecret": "berth-s3",
            },
            "tests": {"pipInstall": ""},
            "gc": {"enabled": mode != "artifactsOnly", "olderThan": ""},
        },
    )
    with helm.Chart.load(str(CHART)) as chart:
        manifests = chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)
    documents: list[dict[str, Any]] = []
    for path, text in sorted(manifests.items()):
        if not path.endswith("NOTES.txt"):
            documents.extend(d for d in yaml.safe_load_all(text) if d)
    return documents


@dataclass
class Cluster:
    """The rendered objects, the Secrets an operator made, and where each name lives here."""

    documents: list[dict[str, Any]]
    secrets: dict[str, dict[str, str]]
    hosts: dict[str, str] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [d for d in self.documents if d["kind"] == kind]

    def config_map(self, name: str) -> dict[str, str]:
        for doc in self.of_kind("ConfigMap"):
            if doc["metadata"]["name"] == name:
                data: dict[str, str] = doc.get("data", {})
                return data
        raise KeyError(f"no ConfigMap {name}")

    def secret(self, name: str) -> dict[str, str]:
        for doc in self.of_kind("Secret"):
            if doc["metadata"]["name"] == name:
                data = dict(doc.get("stringData", {}))
                for key, value in doc.get("data", {}).items():
                    data[key] = base64.b64decode(value).decode()
                return data
        return self.secrets[name]

    def environment(self, container: dict[str, Any]) -> dict[str, str]:
        """The env a kubelet would give the container, names mapped to loopback ports."""
        env: dict[str, str] = {}
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                env.update(self.config_map(source["configMapRef"]["name"]))
            else:
                env.update(self.secret(source["secretRef"]["name"]))
        for item in container.get("env", []):
            if "value" in item:
                env[item["name"]] = str(item["value"])
            elif "secretKeyRef" in item["valueFrom"]:
                ref = item["valueFrom"]["secretKeyRef"]
                env[item["name"]] = self.secret(ref["name"])[ref["key"]]
            else:
                ref = item["valueFrom"]["configMapKeyRef"]
                env[item["name"]] = self.config_map(ref["name"])[ref["key"]]
        return {name: self.mapped(value) for name, value in env.items()}

    def mapped(self, text: str) -> str:
        for name in sorted(self.hosts, key=len, reverse=True):
            text = re.sub(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])", self.hosts[name], text)
        return text


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


class Processes:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.running: list[Process] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> Process:
        log_path = self.directory / f"{name}.log"
        with log_path.open("wb") as out:
            popen = subprocess.Popen(
                command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        process = Process(name, popen, log_path)
        self.running.append(process)
        return process

    def run(self, name: str, command: list[str], env: dict[str, str], timeout: float) -> str:
        process = self.start(name, command, env)
        try:
            code = process.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            message = f"{name} did not finish in {timeout:g}s:\n{process.output()}"
            raise CheckFailed(message) from exc
        if code != 0:
            raise CheckFailed(f"{name} exited {code}:\n{process.output()}")
        return process.output()

    def stop(self) -> None:
        for process in reversed(self.running):
            if process.popen.poll() is None:
                os.killpg(process.popen.pid, signal.SIGTERM)
        for process in self.running:
            try:
                process.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait()


class CheckFailed(Exception):
    pass


def base_env(scratch: Path) -> dict[str, str]:
    """What every process starts from: no AWS credentials or config of this machine."""
    return {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(scratch),
        "TMPDIR": str(scratch),
        "LANG": "C.UTF-8",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "AWS_EC2_METADATA_DISABLED": "true",
        "MLFLOW_HTTP_REQUEST_TIMEOUT": "60",
    }


def wait_http(url: str, process: Process, headers: dict[str, str] | None = None) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.popen.poll() is not None:
            raise CheckFailed(f"{process.name} exited before it was ready:\n{process.output()}")
        try:
            request = urllib.request.Request(url, headers=headers or {})
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise CheckFailed(f"{process.name} not ready at {url}:\n{process.output()}")
        time.sleep(0.3)


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        text: str = response.read().decode()
        return text


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of GET ``url``, error answers included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, _headers(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, _headers(exc.headers), exc.read()


def _headers(message: Message) -> dict[str, str]:
    return {name.lower(): value for name, value in message.items()}


def post_json(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer: dict[str, Any] = json.loads(response.read())
        return answer


# --- what the cluster provides -----------------------------------------------------------------


@contextmanager
def database(admin_url: str) -> Iterator[str]:
    """A fresh database on the local server, as the in-cluster URI; dropped afterwards."""
    name = f"berth_local_check_{uuid.uuid4().hex[:12]}"

    async def execute(sql: str) -> None:
        connection = await asyncpg.connect(admin_url)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(execute(f'CREATE DATABASE "{name}"'))
    user = admin_url.split("://", 1)[1].split("@", 1)[0]
    try:
        yield f"postgresql://{user}@{DB_HOST}/{name}"
    finally:
        asyncio.run(execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def start_s3(processes: Processes) -> str:
    port = free_port()
    moto = processes.start(
        "s3",
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        {**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    wait_http(f"http://127.0.0.1:{port}/moto-api/", moto)
    s3 = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket=BUCKET)
    return f"127.0.0.1:{port}"


def bucket_keys(s3_address: str) -> list[str]:
    s3 = boto3.client(
        "s3",
        endpoint_url=f"http://{s3_address}",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


# --- the workloads ---------------------------------------------------------------------------


def berth_command(container: dict[str, Any]) -> list[str]:
    """The image's ENTRYPOINT (berth) with the container's args."""
    command = [str(BIN / c) if c == "berth" else c for c in container.get("command", ["berth"])]
    return command + [str(a) for a in container.get("args", [])]


def component(doc: dict[str, Any]) -> str:
    return str(doc["metadata"]["labels"]["app.kubernetes.io/component"])


def map_services(cluster: Cluster) -> dict[str, int]:
    """A loopback port for each Deployment, and each Service name mapped to it."""
    ports = {component(d): free_port() for d in cluster.of_kind("Deployment")}
    for service in cluster.of_kind("Service"):
        target = service["spec"]["selector"]["app.kubernetes.io/component"]
        if target in ports:
            for port in service["spec"]["ports"]:
                address = f"127.0.0.1:{ports[target]}"
                cluster.hosts[f"{service['metadata']['name']}:{port['port']}"] = address
    return ports


def run_migration_job(cluster: Cluster, processes: Processes, scratch: Path) -> None:
    for job in cluster.of_kind("Job"):
        hook = job["metadata"]["annotations"]["helm.sh/hook"]
        container = job["spec"]["template"]["spec"]["containers"][0]
        env = {**base_env(scratch), **cluster.environment(container)}
        output = processes.run(
            f"job-{job['metadata']['name']}", berth_command(container), env, timeout=120
        )
        log(f"hook Job {job['metadata']['name']} ({hook}): {output.strip().splitlines()[-1]}")


def ui_build(ui_dir: Path | None) -> Path:
    """The web UI build that the image would carry: ``ui_dir``, or the pinned one in this
    user's cache, fetched there the first time."""
    if ui_dir is not None:
        if not (ui_dir / "index.html").is_file():
            raise CheckFailed(f"--ui-dir {ui_dir} holds no index.html")
        return ui_dir
    build = ui_fetch.default_ui_dir()
    try:
        if ui_fetch.fetch(build):
            log(f"web UI: fetched MLflow {ui_fetch.MLFLOW_UI_VERSION}'s build into {build}")
    except (ui_fetch.FetchError, OSError) as exc:
        raise CheckFailed(f"no web UI build (python -m berth.ui.fetch): {exc}") from exc
    return build


def start_deployments(
    cluster: Cluster,
    processes: Processes,
    ports: dict[str, int],
    scratch: Path,
    image_env: dict[str, str],
) -> dict[str, int]:
    """Start each Berth Deployment's container (with ``image_env``, what the image's ENV
    sets); the loopback gRPC port of those that declare one (every pod would have the
    chart's port to itself; here they share one host)."""
    started: list[tuple[Process, str, dict[str, str]]] = []
    grpc_ports: dict[str, int] = {}
    for deployment in cluster.of_kind("Deployment"):
        name = component(deployment)
        if name == "gateway":
            continue
        spec = deployment["spec"]["template"]["spec"]
        for init in spec.get("initContainers", []):
            env = {**base_env(scratch), **cluster.environment(init)}
            processes.run(f"{name}-init-{init['name']}", berth_command(init), env, timeout=60)
            log(f"{name}: init container {init['name']} ({' '.join(init['args'])}) done")
        container = spec["containers"][0]
        if any(port["name"] == "grpc" for port in container["ports"]):
            grpc_ports[name] = free_port()
        env = {
            **base_env(scratch),
            **image_env,
            **cluster.environment(container),
            "BERTH_HOST": "127.0.0.1",
            "BERTH_PORT": str(ports[name]),
            "BERTH_GRPC_PORT": str(grpc_ports.get(name, 0)),
        }
        command = berth_command(container)
        log(f"{name}: {' '.join(command[1:])} on 127.0.0.1:{ports[name]}")
        process = processes.start(name, command, env)
        probe = container["readinessProbe"]["httpGet"]
        headers = {h["name"]: h["value"] for h in probe.get("httpHeaders", [])}
        started.append((process, f"http://127.0.0.1:{ports[name]}{probe['path']}", headers))
    for process, url, headers in started:
        wait_http(url, process, headers)
        log(f"{process.name}: ready ({url})")
    return grpc_ports


def check_grpc_health(grpc_ports: dict[str, int]) -> None:
    """Each service's gRPC port answers the standard health check with SERVING."""
    for name, port in grpc_ports.items():
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            try:
                status = stub.Check(health_pb2.HealthCheckRequest(), timeout=10).status
            except grpc.RpcError as exc:
                raise CheckFailed(f"{name}: gRPC health check failed: {exc}") from exc
        if status != SERVING:
            raise CheckFailed(f"{name}: gRPC health is {SERVING_STATUS.Name(status)}")
        log(f"{name}: gRPC health SERVING on 127.0.0.1:{port}")


def start_gateway(
    cluster: Cluster, processes: Processes, ports: dict[str, int], scratch: Path
) -> str:
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if nginx is None:
        raise CheckFailed("nginx is not installed (apt-get install -y nginx)")
    deployment = next(d for d in cluster.of_kind("Deployment") if component(d) == "gateway")
    spec = deployment["spec"]["template"]["spec"]
    container = spec["containers"][0]
    config_volume = next(v for v in spec["volumes"] if "configMap" in v)
    mount = next(m for m in container["volumeMounts"] if m["name"] == config_volume["name"])
    conf = cluster.config_map(config_volume["configMap"]["name"])["nginx.conf"]

    root = scratch / "gateway"
    (root / "tmp").mkdir(parents=True)
    root.chmod(0o755)
    (root / "tmp").chmod(0o777)
    port = ports["gateway"]
    listen = int(container["ports"][0]["containerPort"])
    conf = re.sub(rf"listen {listen};", f"listen 127.0.0.1:{port};", conf)
    conf = re.sub(r"(server )(\S+?)(;)", lambda m: m[1] + cluster.mapped(m[2]) + m[3], conf)
    conf = conf.replace(" /tmp/", f" {root}/tmp/")
    if os.geteuid() == 0:
        conf = "user root;\n" + conf
    unmapped = re.findall(r"server (?!127\.0\.0\.1)(\S+);", conf)
    if unmapped:
        raise CheckFailed(f"gateway upstreams with no local service: {unmapped}")
    conf_path = root / "conf" / "nginx.conf"
    conf_path.parent.mkdir()
    conf_path.write_text(conf)

    command = [nginx if c == "nginx" else c for c in container["command"]]
    command = [str(conf_path) if c == f"{mount['mountPath']}/nginx.conf" else c for c in command]
    command[1:1] = ["-p", str(root), "-e", "stderr"]
    check = subprocess.run([*command[:-2], "-t"], capture_output=True, text=True, check=False)
    if check.returncode != 0:
        raise CheckFailed(f"nginx -t refused the rendered config:\n{check.stderr}")
    process = processes.start("gateway", command, base_env(scratch))
    probe = container["readinessProbe"]["httpGet"]["path"]
    wait_http(f"http://127.0.0.1:{port}{probe}", process)
    log(f"gateway: nginx with the rendered config on 127.0.0.1:{port}")
    return f"http://127.0.0.1:{port}"


# --- the clients ------------------------------------------------------------------------------


def run_helm_test(cluster: Cluster, processes: Processes, scratch: Path) -> None:
    """The `helm test` Pod: its smoke script from the ConfigMap, with the Pod's env."""
    pod = cluster.of_kind("Pod")[0]
    container = pod["spec"]["containers"][0]
    smoke_volume = next(v for v in pod["spec"]["volumes"] if "configMap" in v)
    smoke_mount = next(m for m in container["volumeMounts"] if m["name"] == smoke_volume["name"])
    smoke = scratch / "smoke"
    smoke.mkdir()
    for key, text in cluster.config_map(smoke_volume["configMap"]["name"]).items():
        (smoke / key).write_text(text)
    paths = {smoke_mount["mountPath"]: str(smoke), "/tmp": str(scratch)}
    pattern = "|".join(re.escape(p) for p in paths)
    script = re.sub(rf"(?<![\w/])({pattern})(?=/)", lambda m: paths[m[1]], container["args"][0])
    env = {**base_env(scratch), **cluster.environment(container)}
    output = processes.run("helm-test", [*container["command"], script], env, timeout=180)
    log(f"helm test pod: {output.strip().splitlines()[-1]}")


def run_client(
    mode: str,
    gateway: str,
    s3_address: str,
    processes: Processes,
    scratch: Path,
) -> None:
    env = {**base_env(scratch), "MLFLOW_TRACKING_URI": gateway}
    if mode == "direct":
        env |= {
            **S3_KEYS,
            "AWS_DEFAULT_REGION": "us-east-1",
            "MLFLOW_S3_ENDPOINT_URL": f"http://{s3_address}",
        }
    command = [sys.executable, str(HERE / "client.py"), mode]
    output = processes.run("client", command, env, timeout=300)
    for line in output.splitlines():
        if line.startswith("ok:"):
            log(f"client {line}")


def run_gc_job(cluster: Cluster, processes: Processes, scratch: Path, gateway: str) -> None:
    """The gc CronJob's container, once, after a run was deleted through the gateway: it must
    delete that run for good."""
    api = f"{gateway}/api/2.0/mlflow"
    name = f"local-check-gc-{uuid.uuid4().hex[:8]}"
    experiment = post_json(f"{api}/experiments/create", {"name": name})["experiment_id"]
    run = post_json(f"{api}/runs/create", {"experiment_id": experiment})["run"]["info"]["run_id"]
    post_json(f"{api}/runs/delete", {"run_id": run})
    cron_job = cluster.of_kind("CronJob")[0]
    container = cron_job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    env = {**base_env(scratch), **cluster.environment(container)}
    job = f"cronjob-{cron_job['metadata']['name']}"
    output = processes.run(job, berth_command(container), env, timeout=120)
    if f"Run with ID {run} has been permanently deleted." not in output:
        raise CheckFailed(f"the gc job did not delete run {run}:\n{output}")
    log(f"CronJob {cron_job['metadata']['name']}: {output.strip().splitlines()[-1]}")


def check_web_ui(gateway: str, build: Path) -> None:
    """/ through the gateway is the build's index.html, and the code it names loads from
    /static-files/ with the long cache of hashed assets."""
    status, _, page = get(f"{gateway}/")
    if status != 200 or page != (build / "index.html").read_bytes():
        raise CheckFailed(f"/ is not the UI build's index.html ({status}): {page[:300]!r}")
    bundle = re.search(rb'src="(static-files/static/js/main\.[0-9a-f]+\.js)"', page)
    if bundle is None:
        raise CheckFailed(f"the UI's index.html names no bundle: {page[:300]!r}")
    asset = bundle[1].decode()
    status, headers, code = get(f"{gateway}/{asset}")
    expected = (build / asset.removeprefix("static-files/")).read_bytes()
    if status != 200 or code != expected:
        raise CheckFailed(f"/{asset} answered {status} with {len(code)} bytes")
    if "immutable" not in headers.get("cache-control", ""):
        raise CheckFailed(f"/{asset} is not cached for good: {headers.get('cache-control')}")
    log(f"web UI: / is the build's index.html, /{asset} loads ({len(code)} bytes, immutable)")


def check_run_page(gateway: str) -> None:
    """A run's page through the gateway: the UI's page is /, and the page gets its run from
    POST /graphql (mlflowGetRun) and GET /ajax-api/2.0/mlflow/runs/get."""
    api = f"{gateway}/ajax-api/2.0/mlflow"
    name = f"local-check-ui-{uuid.uuid4().hex[:8]}"
    experiment = post_json(f"{api}/experiments/create", {"name": name})["experiment_id"]
    created = post_json(f"{api}/runs/create", {"experiment_id": experiment, "run_name": "ui-run"})
    run = created["run"]["info"]["run_id"]
    post_json(f"{api}/runs/log-parameter", {"run_id": run, "key": "alpha", "value": "0.1"})

    answer = post_json(f"{gateway}/graphql", {"query": GET_RUN, "variables": {"id": run}})
    expected = {
        "info": {"runId": run, "runName": "ui-run", "experimentId": experiment},
        "data": {"params": [{"key": "alpha", "value": "0.1"}]},
    }
    got = ((answer.get("data") or {}).get("mlflowGetRun") or {}).get("run")
    if got != expected or answer.get("errors"):
        raise CheckFailed(f"POST /graphql mlflowGetRun answered {answer}")
    info = json.loads(fetch(f"{api}/runs/get?run_id={run}"))["run"]["info"]
    if (info["run_id"], info["run_name"]) != (run, "ui-run"):
        raise CheckFailed(f"GET /ajax-api/2.0/mlflow/runs/get answered {info}")
    log(f"web UI: the page of run {run} (/#/experiments/{experiment}/runs/{run}) gets its run")


def check_registry_files_route(gateway: str, ports: dict[str, int]) -> None:
    """The UI's download of a model version's file, through the gateway, is answered by the
    registry pods (tracking's /metrics shows none)."""
    query = urllib.parse.urlencode({"name": "no-such-model", "version": "1", "path": "MLmodel"})
    status, _, body = get(f"{gateway}/model-versions/get-artifact?{query}")
    if status != 404 or b"RESOURCE_DOES_NOT_EXIST" not in body:
        raise CheckFailed(f"/model-versions/get-artifact answered {status}: {body[:300]!r}")
    served = re.compile(r'berth_http_requests_total\{[^}]*route="/model-versions/get-artifact"')
    by_registry = served.search(fetch(f"http://127.0.0.1:{ports['registry']}/metrics"))
    by_tracking = served.search(fetch(f"http://127.0.0.1:{ports['tracking']}/metrics"))
    if by_registry is None or by_tracking is not None:
        raise CheckFailed("/model-versions/get-artifact did not reach the registry pods alone")
    log("web UI: /model-versions/get-artifact reaches the registry pods")


def check_bytes_went_through_the_artifact_service(ports: dict[str, int]) -> None:
    uploads = re.compile(
        r'berth_http_requests_total\{method="PUT",'
        r'route="/api/2.0/mlflow-artifacts/artifacts/\{artifact_path:path\}",'
        r'status="200"\} (\d+)'
    )
    served = uploads.findall(fetch(f"http://127.0.0.1:{ports['artifacts']}/metrics"))
    if not served or int(float(served[0])) == 0:
        raise CheckFailed("the artifact pods' /metrics show no upload")
    if "tracking" in ports:
        by_tracking = uploads.findall(fetch(f"http://127.0.0.1:{ports['tracking']}/metrics"))
        if by_tracking:
            raise CheckFailed("tracking received artifact uploads the gateway should route away")
    log(f"artifact pods served {served[0].split('.')[0]} uploads; tracking none (/metrics)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=sorted(PRESETS), required=True)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "BERTH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="An admin connection to the PostgreSQL server that stands in for the cluster's.",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the logs' folder.")
    parser.add_argument(
        "--ui-dir",
        type=Path,
        default=None,
        help="The web UI build the image would carry (default: the pinned build in the "
        "user's cache, fetched by python -m berth.ui.fetch when missing).",
    )
    args = parser.parse_args()
    mode: str = args.mode
    scratch = Path(tempfile.mkdtemp(prefix=f"berth-local-check-{mode}-"))
    processes = Processes(scratch)
    try:
        with ExitStack() as stack:
            documents = render(mode)
            log(f"rendered {len(documents)} objects for mode {mode}")
            secrets: dict[str, dict[str, str]] = {"berth-s3": dict(S3_KEYS)}
            cluster = Cluster(documents, secrets)
            s3_address = start_s3(processes)
            cluster.hosts[S3_HOST] = s3_address
            if mode != "artifactsOnly":
                admin = args.postgres_url
                db_uri = stack.enter_context(database(admin))
                secrets["berth-database"] = {"uri": db_uri}
                cluster.hosts[DB_HOST] = admin.split("@", 1)[1].split("/", 1)[0]
            ports = map_services(cluster)
            build = ui_build(args.ui_dir)
            run_migration_job(cluster, processes, scratch)
            image_env = {UI_DIR_ENV: str(build)}
            check_grpc_health(start_deployments(cluster, processes, ports, scratch, image_env))
            gateway = start_gateway(cluster, processes, ports, scratch)
            run_helm_test(cluster, processes, scratch)
            run_client(mode, gateway, s3_address, processes, scratch)
            if mode != "artifactsOnly":
                check_web_ui(gateway, build)
                check_run_page(gateway)
            if "registry" in ports:
                check_registry_files_route(gateway, ports)
            if "artifacts" in ports:
                check_bytes_went_through_the_artifact_service(ports)
            keys = bucket_keys(s3_address)
            if not any(k.endswith("weights.bin") for k in keys):
                raise CheckFailed(f"no artifact landed in s3://{BUCKET}: {keys}")
            log(f"s3://{BUCKET} holds {len(keys)} objects, the client's file among them")
            if mode != "artifactsOnly":
                run_gc_job(cluster, processes, scratch, gateway)
            processes.stop()
    except CheckFailed as exc:
        processes.stop()
        log(f"FAILED: {exc}")
        log(f"logs kept in {scratch}")
        return 1
    except BaseException:
        processes.stop()
        log(f"logs kept in {scratch}")
        raise
    if not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)
    log(f"local check passed: {mode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
