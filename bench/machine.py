"""Facts about the machine and the software of a run, for RESULTS.md."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

from bench.servers import MLFLOW_VENV, postgres_version


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _mem_total_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def _mlflow_version() -> str:
    python = MLFLOW_VENV / "bin" / "python"
    if not python.exists():
        return "not installed"
    code = "import mlflow, sys; print(mlflow.__version__, sys.version.split()[0])"
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def _git_revision() -> str:
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent,
    )
    return out.stdout.strip() or "unknown"


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def facts() -> dict[str, str]:
    from importlib.metadata import version

    import berth

    mlflow, mlflow_python = ([*_mlflow_version().split(), "?"])[:2]
    return {
        "CPU": f"{_cpu_model()}, {os.cpu_count()} cores",
        "RAM": f"{_mem_total_gib():.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python (harness, Berth)": sys.version.split()[0],
        "Python (mlflow venv)": mlflow_python,
        "mlflow": mlflow,
        "berth": f"{berth.__version__} (git {_git_revision()})",
        "PostgreSQL": postgres_version(),
        "moto": version("moto"),
        "uvicorn (Berth)": version("uvicorn"),
        "aiohttp (load generator)": version("aiohttp"),
        "load average at start": load_average(),
    }
