# Two entry points for a fresh machine: `make demo` and `make test`. Both build .venv first:
# `make demo` with the runtime dependencies only, `make test` with `.[dev]` (tests, linters,
# type stubs, dask) and Debian's Chromium for the browser tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit browser bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(RUNTIME) $(STAMP)

demo: $(RUNTIME)
	$(BIN)/ziping ingest data/raw --out data/parquet
	$(BIN)/ziping report --data data/parquet --out data/report
	@echo "run ziping yourself: source $(BIN)/activate (or call $(BIN)/ziping)"

test: lint typecheck browser unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# The browser tests drive Debian's Chromium (Playwright never downloads one): install it
# when we may (root with apt-get), else say exactly what to run.
browser:
	@if [ -n "$$ZIPING_CHROMIUM" ] || command -v chromium >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's chromium and fonts-noto-cjk for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends chromium fonts-noto-cjk; \
	else \
	  echo "make test needs headless Chromium: run 'sudo apt-get install chromium fonts-noto-cjk'" \
	    "or set ZIPING_CHROMIUM=/path/to/chromium" >&2; exit 1; \
	fi

unit: $(STAMP)
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) data/parquet data/report
