# datalayer: `make help` lists the targets. `make all` is exactly what CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: help install migrate rollback status verify new-migration schema gen gen-check bench dev-up dev-down example lint typecheck test all clean

help: ## show this help
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## create .venv (if missing) and install datalayer with its dev tools

migrate: install ## apply all migrations (DATABASE_URL, else the embedded cluster in .pgdata/) and print the status
	$(BIN)/datalayer migrate

rollback: install ## roll back migrations: COUNT=n (default 1) or TARGET=<id> ('0' = all)
	$(BIN)/datalayer rollback $(if $(TARGET),--target $(TARGET),--count $(or $(COUNT),1))

status: install ## applied and pending migrations (exit code 3 when work is pending)
	$(BIN)/datalayer status --exit-code

verify: install ## check applied migrations against their files (checksums, order)
	$(BIN)/datalayer verify

new-migration: install ## create the next migration + rollback: make new-migration SCHEMA=fintech SLUG=create-accounts
	@test -n "$(SCHEMA)" -a -n "$(SLUG)" || { echo "usage: make new-migration SCHEMA=<schema> SLUG=<verb>-<object>"; exit 2; }
	$(BIN)/datalayer new $(SCHEMA) $(SLUG)

schema: install ## regenerate schema.sql from a freshly migrated scratch database
	$(BIN)/datalayer schema --fresh

gen: install ## regenerate the typed query modules datalayer/<schema>/_queries.py from sql/
	$(BIN)/datalayer gen

gen-check: install ## fail (with a diff) when a generated module is stale, missing or orphaned
	$(BIN)/datalayer gen --check

bench: install ## benchmarks against raw asyncpg and SQLAlchemy ORM; writes BENCHMARKS.md (QUICK=1: under a minute)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/run.py $(if $(QUICK),--quick)

dev-up: install ## start the embedded PostgreSQL cluster (.pgdata/) and print its URL
	$(BIN)/datalayer dev up

dev-down: install ## stop the embedded PostgreSQL cluster
	$(BIN)/datalayer dev down

example: install ## run the example HoardRun service (examples/hoardrun_api) on the embedded database, migrated (DATABASE_URL to use another)
	@if [ -z "$$DATABASE_URL" ]; then $(BIN)/datalayer dev up >/dev/null; fi
	DATABASE_URL="$${DATABASE_URL:-$$($(BIN)/datalayer dev url)}" $(BIN)/datalayer migrate
	DATABASE_URL="$${DATABASE_URL:-$$($(BIN)/datalayer dev url)}" PYTHONPATH=examples/hoardrun_api $(BIN)/python -m hoardrun_api

lint: install ## ruff (lint + format check) and squawk on the migrations
	$(BIN)/ruff check datalayer tests bench
	$(BIN)/ruff format --check datalayer tests bench
	$(BIN)/squawk --assume-in-transaction --exclude-path='*.rollback.sql' migrations/*.sql

typecheck: install ## mypy --strict on the package
	$(BIN)/mypy

test: install ## run the test suite against a throwaway PostgreSQL (TEST_DATABASE_URL to use an existing server)
	@$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; exit $$rc

all: lint typecheck gen-check test ## everything CI checks

clean: ## remove build output and caches (keeps .venv and .pgdata)
	rm -rf build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache
	find . -name __pycache__ -type d -prune -not -path './.venv/*' -exec rm -rf {} +
