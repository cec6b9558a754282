"""``berth server --workers N`` serves gRPC from every worker: each binds the gRPC port with
SO_REUSEPORT. With one worker the port is bound exclusively: a second server on it fails to
start instead of silently sharing it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from berth.client import BerthClient
from tests.fixtures.services import free_port
from tests.integration.test_cli_startup import _environment, _running

LISTEN = "0A"


def _listening_sockets(port: int) -> int:
    """Sockets listening on ``port`` (any address), from /proc/net/tcp and tcp6."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == LISTEN:
                count += 1
    return count


def _eventually_listening(port: int, count: int) -> int:
    deadline = time.monotonic() + 30
    while _listening_sockets(port) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return _listening_sockets(port)


def test_every_worker_serves_grpc_on_the_shared_port(tmp_path: Path) -> None:
    grpc_port = free_port()
    flags = ("--workers", "2", "--grpc-port", str(grpc_port))
    with _running("server", tmp_path, _environment(tmp_path), *flags):
        assert _eventually_listening(grpc_port, 2) == 2
        # Connections spread over the workers; each answers, from one database.
        for index in range(6):
            with BerthClient(f"127.0.0.1:{grpc_port}") as client:
                client.tracking.create_experiment(name=f"e{index}", timeout=30)
        with BerthClient(f"127.0.0.1:{grpc_port}") as client:
            found = client.tracking.search_experiments(max_results=100, timeout=30)
            health = health_pb2_grpc.HealthStub(client.channel)
            status = health.Check(health_pb2.HealthCheckRequest(), timeout=30).status
    assert sorted(e.name for e in found.experiments) == ["Default", *(f"e{i}" for i in range(6))]
    assert status == health_pb2.HealthCheckResponse.SERVING


def test_a_second_single_worker_server_cannot_take_the_grpc_port(tmp_path: Path) -> None:
    grpc_port = free_port()
    env = _environment(tmp_path)
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    with _running("server", first, env, "--grpc-port", str(grpc_port)):
        command = [
            sys.executable, "-m", "berth", "server", "--port", str(free_port()),
            "--grpc-port", str(grpc_port),
            "--backend-store-uri", f"sqlite:///{second / 'mlflow.db'}",
        ]  # fmt: skip
        refused = subprocess.run(
            command, cwd=second, env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert _listening_sockets(grpc_port) == 1
        with grpc.insecure_channel(f"127.0.0.1:{grpc_port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=10)

    assert refused.returncode != 0
    assert f"gRPC cannot listen on 127.0.0.1:{grpc_port}" in refused.stderr
