# The two commands the README promises: `make run` and `make test`. Both are idempotent.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench soak install dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Re-install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

## make run: create .venv, install, migrate, load demo data the first time, serve on 127.0.0.1:8000
run: install
	$(BIN)/paas init
	$(BIN)/paas demo --if-empty
	$(BIN)/paas serve --host 127.0.0.1 --port 8000

## make test: dev extras, lint, then the whole suite on SQLite and PostgreSQL
test: dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	bash scripts/test.sh $(PYTEST_ARGS)

lint: dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

## make bench: the benchmarks, printed as tables and written to benchmarks/results/
bench: dev
	$(BIN)/python -m benchmarks

## make soak (not in CI): the mixed load for SOAK_MINUTES (default 30); server RSS growth < 10%, no errors
soak: dev
	SOAK_MINUTES=$${SOAK_MINUTES:-30} $(BIN)/python -m benchmarks.load.soak

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .pgdata
