# Every target installs what it needs through uv (itself installed from PyPI when missing).
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
PYTEST := $(UV) run --frozen pytest

.PHONY: help run test test-unit test-integration test-e2e lint format protos protos-check check uv bench

help:
	@echo "make run          start berth server on http://127.0.0.1:5000 (SQLite + ./mlartifacts)"
	@echo "make test         the whole suite: unit, integration (SQLite + PostgreSQL), e2e"
	@echo "make test-unit    unit tests only (no services needed)"
	@echo "make lint         ruff + mypy --strict"
	@echo "make protos       regenerate services/berth/proto from protos/"
	@echo "make check        the gate before a push: lint, fresh protos, unit tests"
	@echo "make bench        Berth against mlflow server 3.17.2 -> bench/RESULTS.md (not a test;"
	@echo "                  BENCH_ARGS=--quick to check the harness, see bench/README.md)"

uv:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet --user uv

run: uv
	$(UV) run --frozen --no-default-groups berth server

# pytest exits 5 when it collected nothing: a run that proved nothing is a failure, said so.
test: uv
	@$(PYTEST) tests; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; fi; exit $$status

test-unit: uv
	$(PYTEST) tests/unit

test-integration: uv
	$(PYTEST) tests/integration

test-e2e: uv
	$(PYTEST) tests/e2e

lint: uv
	$(UV) run --frozen ruff check services tests tools bench
	$(UV) run --frozen ruff format --check services tests tools bench
	$(UV) run --frozen mypy services/berth

format: uv
	$(UV) run --frozen ruff check --fix services tests tools bench
	$(UV) run --frozen ruff format services tests tools bench

protos: uv
	$(UV) run --frozen python tools/protos.py

protos-check: protos
	@git diff --exit-code --stat -- services/berth/proto || \
		(echo "services/berth/proto is stale: run 'make protos' and commit the result" && exit 1)

check: lint protos-check test-unit

# Not part of `make test`: a benchmark run against mlflow server on this machine (needs
# PostgreSQL on 127.0.0.1:5432; installs mlflow into bench/.venv-mlflow on first use).
BENCH_ARGS ?=
bench: uv
	$(UV) run --frozen python -m bench.run $(BENCH_ARGS)
