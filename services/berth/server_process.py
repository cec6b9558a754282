"""The process ``berth server``, ``berth registry`` and ``berth artifacts`` turn into once
their checks have passed: uvicorn serving the app, with the settings the command left in the
environment (``BERTH_*``, which the app reads too).

The command validates the configuration, migrates the schema and checks the artifact store,
which loads click, alembic and botocore: memory that a process supervising its workers (or,
with one worker, serving) would keep for its whole life while never using them again. So the
command replaces itself with this module (``exec``: same process id, same signals), which
loads uvicorn and the app only.

It runs with ``-OO``: docstrings are left out of every module it loads (~6 MiB per worker
with S3), and nothing it serves reads them (the app publishes no OpenAPI document). The
image compiles that bytecode at build time, since its filesystem is read-only.
"""

from __future__ import annotations

import os
import sys

import uvicorn

from berth.wire import nodelay


def replace_current_process() -> None:
    """Exec this module in place of the running command, without docstrings (never returns)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-OO", "-m", __name__])


def serve() -> None:
    uvicorn.run(
        "berth.app:create_app_from_environment",
        factory=True,
        host=os.environ["BERTH_HOST"],
        port=int(os.environ["BERTH_PORT"]),
        workers=int(os.environ["BERTH_WORKERS"]),
        http=nodelay.PROTOCOL,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    serve()
