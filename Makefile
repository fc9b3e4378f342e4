# Two entry points, as the README says: `make run` and `make test`.
# Each creates the virtual environment when it is missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/bangfu solve data/examples/village_experts.json --summary
	@echo
	@echo "bangfu is installed in $(BIN)/bangfu; to have it on the PATH:"
	@echo "    source $(BIN)/activate    (then: bangfu --help, bangfu match experts --data data/demo --out out/experts)"

lint: $(STAMP)
	$(BIN)/ruff check matching api tests benchmarks
	$(BIN)/ruff format --check matching api tests benchmarks
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy matching api

unit: $(STAMP)
	$(BIN)/pytest

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.bench_matchers experts
	$(BIN)/python -m benchmarks.bench_matchers labour

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
