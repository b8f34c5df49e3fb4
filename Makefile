# Thin wrapper: creates .venv from locks/ on first use and passes variables through.
# Variables: BASE_URL, GRAPH_TOKEN, TARGET, PROFILE, PYTEST_ARGS, DOCS, DRIFT_REPORT (README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# The lock files (make lock writes them with uv; pip installs them, checking every hash).
LOCKS  := locks/build.txt locks/default.txt locks/dev.txt locks/interop.txt locks/azure.txt
PIP_LOCKED := $(BIN)/python -m pip install --quiet --require-hashes
UV_VERSION := 0.13.9
UV_HOME := .tools/uv-$(UV_VERSION)
UV     := $(UV_HOME)/bin/uv
UV_COMPILE := $(UV) pip compile --quiet --upgrade --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command 'make lock'
# Debian's Chromium, for the selftest that renders the HTML report (installed when missing).
CHROMIUM := /usr/bin/chromium
SUDO   := $(if $(filter 0,$(shell id -u)),,sudo)

export BASE_URL GRAPH_TOKEN TARGET PROFILE PYTEST_ARGS GRAPH_USER_ID GRAPH_USER_UPN

.PHONY: help install install-azure lock test check selftest-faults coverage drift lint serve report bench bench-reference \
	interop clean

help:  ## list the targets and what each does
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /  make \1\t/' | expand -t 28

install: $(STAMP)  ## create .venv from the lock (every other target does this itself)

install-azure: $(STAMP)  ## add azure-identity (locked), for target profiles with token.provider
	$(PIP_LOCKED) -r locks/azure.txt

lock: $(UV)  ## refresh locks/ to the newest releases pyproject.toml allows
	$(UV_COMPILE) pyproject.toml --extra dev -o locks/dev.txt
	$(UV_COMPILE) pyproject.toml -c locks/dev.txt -o locks/default.txt
	$(UV_COMPILE) pyproject.toml --extra dev --extra interop -c locks/dev.txt -o locks/interop.txt
	$(UV_COMPILE) pyproject.toml --extra dev --extra azure -c locks/interop.txt -o locks/azure.txt
	$(UV_COMPILE) locks/build.in -o locks/build.txt

test: $(STAMP)  ## run the contract suites against BASE_URL, or the bundled reference
	@$(BIN)/positions-harness run

check: $(STAMP) $(CHROMIUM)  ## the project's own tests (what CI runs), then the kill table
	$(BIN)/ruff check .
	$(BIN)/python -m pytest selftest -n 2 $(PYTEST_ARGS)
	$(BIN)/python -m selftest.kill_table --jobs 2 --passing-profile quick

selftest-faults: $(STAMP)  ## the kill table: faults, conforming and allowance variants (default profile)
	$(BIN)/python -m selftest.kill_table --jobs 2

coverage: $(STAMP)  ## which suite tests check each requirement; fails if one is uncovered
	$(BIN)/positions-harness coverage

drift: $(STAMP)  ## differences between a Graph docs checkout (DOCS=path) and the spec
	$(BIN)/positions-harness drift $(or $(DOCS),$(error set DOCS to a checkout of microsoft-graph-docs-contrib)) $(if $(DRIFT_REPORT),--out $(DRIFT_REPORT))

lint: $(STAMP)  ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

report: $(STAMP)  ## build and serve the Allure report of a run (RUN=..., default latest; PORT=...)
	$(BIN)/positions-harness allure $(RUN) --serve $(if $(PORT),--port $(PORT))

serve: $(STAMP)  ## start the reference implementation by hand (PORT=8080)
	$(BIN)/positions-reference --port $(or $(PORT),8080)

bench: $(STAMP)  ## wall time and requests at 0 and 300 ms latency, with ratios (BENCH_ARGS=--help)
	$(BIN)/python benchmarks/speed.py $(BENCH_ARGS)

bench-reference: $(STAMP)  ## request rate of the reference with a keep-alive client
	$(BIN)/python benchmarks/reference_throughput.py

interop: $(VENV)/.interop-stamp  ## the official msgraph-beta-sdk does CRUD against the bundled reference
	$(BIN)/python -m pytest interop $(PYTEST_ARGS)

$(VENV)/.interop-stamp: $(STAMP)
	$(PIP_LOCKED) -r locks/interop.txt
	@touch $@

# A new lock gets a new venv: nothing of the old lock stays behind. pip and setuptools come from
# locks/build.txt, so the project is built with the locked setuptools (no isolated build env).
$(STAMP): pyproject.toml $(LOCKS)
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PIP_LOCKED) -r locks/build.txt
	$(PIP_LOCKED) -r locks/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

$(UV):
	$(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/python -m pip install --quiet uv==$(UV_VERSION)

$(CHROMIUM):
	@echo "Installing Debian's chromium for the HTML report's browser check..."
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null

clean:
	rm -rf $(VENV) .tools reports/*/ reports/latest
