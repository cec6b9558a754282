# Every target installs what it needs through uv (itself installed from PyPI when missing).
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
PYTEST := $(UV) run --frozen pytest

IMAGE ?= berth
VERSION ?= $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -n 1)
MODE ?= proxied

.PHONY: help run test test-unit test-integration test-e2e test-chart local-check lint format \
	protos protos-check buf-lint check uv image kind-e2e bench

help:
	@echo "make run          start berth server on http://127.0.0.1:5000 (SQLite + ./mlartifacts)"
	@echo "make test         the whole suite: unit, integration (SQLite + PostgreSQL), e2e"
	@echo "make test-unit    unit tests only (no services needed)"
	@echo "make lint         ruff + mypy --strict"
	@echo "make protos       regenerate services/berth/proto from protos/"
	@echo "make buf-lint     buf lint of protos/ (buf.yaml; installs buf from npm when missing)"
	@echo "make check        the gate before a push: lint, fresh protos, unit tests"
	@echo "make test-chart   the Helm chart: render, lint, schemas, and the local check of each mode"
	@echo "make local-check MODE=proxied   one mode's rendered chart as local processes"
	@echo "make image        build the container image (needs a Docker engine)"
	@echo "make kind-e2e     kind cluster + helm install + helm test, each mode (needs Docker, kind, helm)"
	@echo "make bench        Berth against mlflow server 3.17.2 -> bench/RESULTS.md (not a test;"
	@echo "                  BENCH_ARGS=--quick to check the harness, see bench/README.md)"

uv:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet --user uv

# The web UI's build is fetched once into the user's cache; without it the API still serves.
run: uv
	@$(UV) run --frozen --no-default-groups python -m berth.ui.fetch || \
		echo "make run: no web UI fetched (see above); starting the API without it" >&2
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

test-chart: uv
	$(PYTEST) tests/chart

local-check: uv
	$(UV) run --frozen python deploy/local-check/local_check.py --mode $(MODE)

image:
	docker build -f services/Dockerfile -t $(IMAGE):$(VERSION) \
		--build-arg VERSION=$(VERSION) \
		--build-arg REVISION=$$(git rev-parse HEAD) \
		--build-arg CREATED=$$(date -u +%Y-%m-%dT%H:%M:%SZ) .

kind-e2e:
	IMAGE=$(IMAGE) VERSION=$(VERSION) deploy/kind-e2e.sh

lint: uv
	$(UV) run --frozen ruff check services tests tools bench deploy
	$(UV) run --frozen ruff format --check services tests tools bench deploy
	$(UV) run --frozen mypy services/berth

format: uv
	$(UV) run --frozen ruff check --fix services tests tools bench deploy
	$(UV) run --frozen ruff format services tests tools bench deploy

protos: uv
	$(UV) run --frozen python tools/protos.py

protos-check: protos buf-lint
	@git diff --exit-code --stat -- services/berth/proto || \
		(echo "services/berth/proto is stale: run 'make protos' and commit the result" && exit 1)
	@test -z "$$(git status --porcelain --untracked-files=all -- services/berth/proto)" || \
		(echo "services/berth/proto has untracked generated files: commit them" && exit 1)

# buf comes from the @bufbuild/buf npm package (it carries the binary), installed once here.
BUF_DIR ?= .cache/buf
BUF := $(BUF_DIR)/node_modules/.bin/buf

$(BUF):
	npm install --silent --no-audit --no-fund --prefix $(BUF_DIR) @bufbuild/buf

buf-lint: $(BUF)
	$(BUF) lint

check: lint protos-check test-unit

# Not part of `make test`: a benchmark run against mlflow server on this machine (needs
# PostgreSQL on 127.0.0.1:5432; installs mlflow into bench/.venv-mlflow on first use).
BENCH_ARGS ?=
bench: uv
	$(UV) run --frozen python -m bench.run $(BENCH_ARGS)
