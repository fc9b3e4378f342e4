# Two entry points, as the README says: `make run` (the service with its demo data and
# accounts, on a SQLite file under var/) and `make test`.
# Each creates the virtual environment when it is missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck unit browser bench bench-api clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@echo "bangfu is installed in $(BIN)/bangfu (source $(BIN)/activate to have it on the PATH)"
	$(BIN)/bangfu serve --demo --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check matching api tests benchmarks
	$(BIN)/ruff format --check matching api tests benchmarks
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy matching api

# The browser tests drive Debian's Chromium (Playwright with executable_path, no browser
# download); installed here when missing, with CJK fonts so pages and screenshots show
# Chinese. Not root or no apt-get: one line saying how, and the tests do not run.
CHROMIUM := /usr/bin/chromium
BROWSER_PACKAGES := chromium chromium-driver fonts-noto-cjk

browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing $(BROWSER_PACKAGES) with apt-get"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(BROWSER_PACKAGES); \
	  else \
	    echo "$(CHROMIUM) is missing: run 'sudo apt-get install -y $(BROWSER_PACKAGES)' (Debian), then make test again." >&2; \
	    exit 1; \
	  fi; \
	fi

# Two test processes, one per core of the CI machine (pytest-xdist); each builds its own
# template databases, named by process id, so they never share one.
unit: $(STAMP) browser
	$(BIN)/pytest -n 2

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.bench_matchers experts
	$(BIN)/python -m benchmarks.bench_matchers labour

# Against a real server and PostgreSQL at 127.0.0.1:5432 (see benchmarks/bench_api.py).
bench-api: $(STAMP)
	$(BIN)/python -m benchmarks.bench_api

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
