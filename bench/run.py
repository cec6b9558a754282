"""``make bench``: Berth against mlflow server, same machine, same PostgreSQL and S3 endpoint,
one load generator. Writes JSON lines and a Markdown report (``bench/RESULTS.md``).

    uv run python -m bench.run                      # the full run
    uv run python -m bench.run --quick              # small sizes, 1 repeat: checks the harness
    uv run python -m bench.run --scenarios search,history --servers berth
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import shlex
import sys
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, ExitStack, aclosing
from pathlib import Path
from typing import TypeVar

from bench import document
from bench.config import QUICK, Sizes
from bench.machine import facts, load_average
from bench.profile import hot_functions, profiled
from bench.report import aggregate, growth, json_lines, table
from bench.scenarios import NAMES, Scenario, selected
from bench.scenarios.common import Context, Measurement
from bench.servers import (
    BENCH_DIR,
    LOG_DIR,
    ServerSpec,
    ensure_berth_venv,
    ensure_mlflow_venv,
    moto_s3,
    run_server,
)
from bench.targets import evaluate

SERVERS = ("mlflow", "berth")
T = TypeVar("T")


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


def _names(text: str, allowed: Sequence[str], what: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown {what}: {', '.join(unknown)}")
    return names


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, 1 repeat")
    parser.add_argument(
        "--scenarios",
        type=lambda t: _names(t, NAMES, "scenario"),
        default=NAMES,
        help=f"comma-separated subset of: {','.join(NAMES)} (default: all)",
    )
    parser.add_argument(
        "--servers",
        type=lambda t: _names(t, SERVERS, "server"),
        default=list(SERVERS),
        help="mlflow,berth (default: both)",
    )
    parser.add_argument("--repeats", type=int)
    parser.add_argument("--duration", type=float, help="seconds per throughput measurement")
    parser.add_argument("--writers", type=int, help="concurrent clients (default 8)")
    parser.add_argument("--search-sizes", type=_ints, help="e.g. 10000,100000")
    parser.add_argument("--history-sizes", type=_ints, help="e.g. 10000,100000")
    parser.add_argument("--search-calls", type=int, help="calls per query per repeat")
    parser.add_argument(
        "--api-seed-max",
        type=int,
        help="search runs made through the API (the seeding figure); the rest are written "
        "in SQL (default 10000)",
    )
    parser.add_argument("--mixed-runs", type=int)
    parser.add_argument("--ui-runs", type=int, help="runs in the ui-pages experiment")
    parser.add_argument("--ui-loads", type=int, help="loads of each UI page per repeat")
    parser.add_argument("--artifact-mib", type=int)
    parser.add_argument(
        "--berth-workers", type=int, default=2, help="berth server --workers (default 2)"
    )
    parser.add_argument(
        "--mlflow-workers",
        type=int,
        default=None,
        help="mlflow server --workers (default: none given, so its own: 4)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample the servers with py-spy during each scenario (bench/logs/profile-*.txt); "
        "slows them: not for figures you report",
    )
    parser.add_argument(
        "--profile-filter", default="", help="summarise only frames containing this text"
    )
    parser.add_argument(
        "--keep-databases",
        action="store_true",
        help="leave each server's database behind (named in the log) to inspect query plans",
    )
    parser.add_argument("--results", type=Path, help="Markdown report (default bench/RESULTS.md)")
    return parser.parse_args(argv)


def sizes_from(args: argparse.Namespace) -> Sizes:
    sizes = QUICK if args.quick else Sizes()
    overrides = {
        "repeats": args.repeats,
        "duration_s": args.duration,
        "writers": args.writers,
        "search_sizes": args.search_sizes,
        "history_sizes": args.history_sizes,
        "search_calls": args.search_calls,
        "api_seed_max": args.api_seed_max,
        "mixed_runs": args.mixed_runs,
        "ui_runs": args.ui_runs,
        "ui_loads": args.ui_loads,
        "artifact_mib": args.artifact_mib,
    }
    return dataclasses.replace(sizes, **{k: v for k, v in overrides.items() if v is not None})


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def alternating(servers: Sequence[T], index: int) -> Sequence[T]:
    """The servers in the order they run the ``index``-th scenario: reversed every other
    scenario, so that neither always goes first."""
    return servers if index % 2 == 0 else servers[::-1]


async def in_turns(
    steps: Mapping[str, AsyncIterator[list[T]]],
    on_step: Callable[[str, list[T]], None] = lambda _server, _step: None,
) -> dict[str, list[T]]:
    """Each server's steps of one scenario, one step each per round, the first of a round
    alternating (A B, B A, A B, ...), until every server has run out: while one server takes a
    step the other waits, and a figure of one is measured next to the same figure of the other
    rather than a whole scenario apart on a machine whose speed drifts. ``on_step`` sees each
    step as it is taken."""
    found: dict[str, list[T]] = {name: [] for name in steps}
    pending = list(steps)
    turn = 0
    while pending:
        for name in list(alternating(pending, turn)):
            step = await anext(steps[name], None)
            if step is None:
                pending.remove(name)
            else:
                on_step(name, step)
                found[name].extend(step)
        turn += 1
    return found


async def run_scenario(
    contexts: Sequence[Context], name: str, scenario: Scenario
) -> dict[str, list[Measurement]]:
    """The scenario on every server, their steps in turns; with ``--profile``, one server
    after the other instead, so that a profile holds only its own server's work."""
    started = time.monotonic()
    servers = ", ".join(ctx.server.name for ctx in contexts)
    log(f"{name}: {servers} (load {load_average()})")
    if any(ctx.profile for ctx in contexts):
        found = {ctx.server.name: await _profiled(ctx, name, scenario) for ctx in contexts}
    else:
        async with AsyncExitStack() as stack:
            steps = {
                ctx.server.name: await stack.enter_async_context(aclosing(scenario(ctx)))
                for ctx in contexts
            }
            found = await in_turns(steps, _log_step)
    log(f"{name} took {time.monotonic() - started:.0f} s")
    return found


def _log_step(server: str, measurements: list[Measurement]) -> None:
    for m in measurements:
        log(f"  {server}: {m.scenario} [{m.variant}] #{m.repeat}: {m.values}")


async def _profiled(ctx: Context, name: str, scenario: Scenario) -> list[Measurement]:
    """The scenario on one server, its steps back to back, under py-spy."""
    with profiled(ctx.server.pid, ctx.server.name, name) as out:
        async with aclosing(scenario(ctx)) as steps:
            found = await in_turns({ctx.server.name: steps}, _log_step)
    for share, frame in hot_functions(out.read_text(), only=ctx.profile_filter):
        log(f"  {ctx.server.name} profile {share:6.1%}  {frame}")
    return found[ctx.server.name]


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    sizes = sizes_from(args)
    names = frozenset(args.scenarios)
    specs = {
        "mlflow": ServerSpec("mlflow", args.mlflow_workers, "mlflow's default (4)"),
        "berth": ServerSpec("berth", args.berth_workers, "one per core"),
    }
    if "mlflow" in args.servers:
        ensure_mlflow_venv()
    if "berth" in args.servers:
        ensure_berth_venv()
    started = time.monotonic()
    machine = facts()
    measured: dict[str, list[Measurement]] = {}
    commands: dict[str, list[str]] = {}
    with moto_s3() as s3, ExitStack() as running:
        contexts: list[Context] = []
        for server_name in args.servers:
            spec = specs[server_name]
            log(f"starting {server_name} (workers: {spec.workers or 'default'})")
            server = running.enter_context(run_server(spec, s3, args.keep_databases))
            commands[server_name] = server.command
            ctx = Context(server, s3, sizes, names, log=log)
            ctx.profile, ctx.profile_filter = args.profile, args.profile_filter
            contexts.append(ctx)
            measured[server_name] = []
        for index, (name, scenario) in enumerate(selected(names)):
            found = asyncio.run(run_scenario(alternating(contexts, index), name, scenario))
            for server_name, measurements in found.items():
                measured[server_name].extend(measurements)
    machine["load average at end"] = load_average()
    minutes = (time.monotonic() - started) / 60
    rows = aggregate(measured)
    grown = growth(rows, sizes.search_sizes, sizes.history_sizes)
    verdicts = evaluate(rows, grown, sizes.search_sizes, sizes.history_sizes, sizes.artifact_mib)
    lines = json_lines(rows, grown)
    print("\n".join(lines))
    print(table(rows), file=sys.stderr)
    default = LOG_DIR / "RESULTS-quick.md" if args.quick else BENCH_DIR / "RESULTS.md"
    results = args.results or default
    results.parent.mkdir(parents=True, exist_ok=True)
    results.with_suffix(".jsonl").write_text("\n".join(lines) + "\n")
    repeats = [
        json.dumps({"server": server, **dataclasses.asdict(m)})
        for server, measurements in measured.items()
        for m in measurements
    ]
    results.with_suffix(".repeats.jsonl").write_text("\n".join(repeats) + "\n")
    invocation = "python -m bench.run " + shlex.join(sys.argv[1:] if argv is None else argv)
    results.write_text(
        document.render(
            machine=machine,
            sizes=sizes,
            specs=[specs[name] for name in args.servers],
            commands=commands,
            invocation=invocation.strip(),
            minutes=minutes,
            rows=rows,
            grown=grown,
            verdicts=verdicts,
        )
    )
    log(f"wrote {results} and {results.with_suffix('.jsonl')} after {minutes:.1f} min")


if __name__ == "__main__":
    main()
