# Thin wrapper: creates .venv from pyproject.toml on first use and passes variables through.
# Variables: BASE_URL, GRAPH_TOKEN, TARGET, PROFILE, PYTEST_ARGS (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

export BASE_URL GRAPH_TOKEN TARGET PROFILE PYTEST_ARGS GRAPH_USER_ID GRAPH_USER_UPN

.PHONY: test check lint serve bench-reference clean

test: $(STAMP)  ## run the contract suites against BASE_URL, or the bundled reference
	@$(BIN)/positions-harness run

check: $(STAMP)  ## the project's own tests (what CI runs)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest selftest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

serve: $(STAMP)  ## start the reference implementation by hand (PORT=8080)
	$(BIN)/positions-reference --port $(or $(PORT),8080)

bench-reference: $(STAMP)  ## request rate of the reference with a keep-alive client
	$(BIN)/python benchmarks/reference_throughput.py

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

clean:
	rm -rf $(VENV) reports/*/ reports/latest
