# datalayer: `make help` lists the targets. `make all` is exactly what CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
# APP=fintech or APP=fintech,logistics: only core and these applications.
comma := ,
APP_ARGS := $(foreach a,$(subst $(comma), ,$(APP)),--app $(a))
# Targets that connect use DATABASE_URL (environment or .env); when it is unset, they start the
# embedded cluster under .pgdata/ explicitly and use its URL. `datalayer` itself never does.
WITH_DB = db_env="$$($(BIN)/datalayer dev up --if-unset)" && eval "$$db_env" &&

.PHONY: help install migrate rollback status verify new-migration schema gen gen-check docs bench dev-up dev-down example lint typecheck test all clean

help: ## show this help
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## create .venv (if missing) and install datalayer with its dev tools

migrate: install ## apply migrations of core and APP=… (default: all apps) to DATABASE_URL, else the embedded cluster
	@$(WITH_DB) $(BIN)/datalayer migrate $(APP_ARGS)

rollback: install ## roll back: APP=fintech and COUNT=n (default 1) or TARGET=<id> ('0' = all of APP)
	@$(WITH_DB) $(BIN)/datalayer rollback $(APP_ARGS) $(if $(TARGET),--target $(TARGET),--count $(or $(COUNT),1))

status: install ## applied and pending migrations (APP=… to narrow)
	@$(WITH_DB) $(BIN)/datalayer status $(APP_ARGS)

verify: install ## check applied migrations against their files and the catalog (APP=… to narrow)
	@$(WITH_DB) $(BIN)/datalayer verify $(APP_ARGS)

new-migration: install ## create the next migration + rollback: make new-migration APP=fintech SLUG=create-accounts
	@test -n "$(APP)" -a -n "$(SLUG)" || { echo "usage: make new-migration APP=<core|app> SLUG=<verb>-<object>"; exit 2; }
	$(BIN)/datalayer new $(APP) $(SLUG)

schema: install ## regenerate schema/<app>.sql, each from a scratch database migrated from nothing
	@$(WITH_DB) $(BIN)/datalayer schema

gen: install ## regenerate the typed query modules datalayer/<schema>/_queries.py from sql/
	@$(WITH_DB) $(BIN)/datalayer gen

gen-check: install ## fail (with a diff) when a generated module is stale, missing or orphaned
	@$(WITH_DB) $(BIN)/datalayer gen --check

docs: install ## regenerate the data dictionary docs/schema/<app>.md from a scratch database migrated from nothing
	@$(WITH_DB) $(BIN)/datalayer docs

bench: install ## benchmarks against raw asyncpg and SQLAlchemy ORM; writes BENCHMARKS.md and BENCHMARKS-scaleout.md (QUICK=1: a smaller, shorter run)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@$(WITH_DB) $(BIN)/python bench/run.py $(if $(QUICK),--quick)
	$(BIN)/python bench/scaleout.py $(if $(QUICK),--quick) --write BENCHMARKS-scaleout.md

bench-scaleout: install ## PgBouncer vs direct pk lookups, replica reads and read-your-writes under writes (own servers)
	$(BIN)/python bench/scaleout.py $(if $(QUICK),--quick) --write BENCHMARKS-scaleout.md

dev-up: install ## start the embedded PostgreSQL cluster (.pgdata/) and print the export line
	$(BIN)/datalayer dev up

dev-down: install ## stop the embedded PostgreSQL cluster
	$(BIN)/datalayer dev down

example: install ## run the example HoardRun service (examples/hoardrun_api) on DATABASE_URL, else the embedded database, migrated for fintech
	@$(WITH_DB) $(BIN)/datalayer migrate --app fintech && PYTHONPATH=examples/hoardrun_api $(BIN)/python -m hoardrun_api

lint: install ## ruff (lint + format check), squawk on the migrations, import contracts
	$(BIN)/ruff check datalayer tests bench examples
	$(BIN)/ruff format --check datalayer tests bench examples
	$(BIN)/squawk --assume-in-transaction --exclude-path='*.rollback.sql' migrations/*/*.sql adopt/*/in_place/*.sql
	$(BIN)/lint-imports

typecheck: install ## mypy --strict on the package
	$(BIN)/mypy

test: install ## run the test suite against a throwaway PostgreSQL (TEST_DATABASE_URL to use an existing server)
	@$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; exit $$rc

test-pgbouncer: install ## the application tests (tests/sql) through a real PgBouncer in transaction mode
	@TEST_PGBOUNCER=1 DATABASE_STATEMENT_CACHE_SIZE=0 $(BIN)/pytest tests/sql $(PYTEST_ARGS)

all: lint typecheck gen-check test ## everything CI checks

clean: ## remove build output and caches (keeps .venv and .pgdata)
	rm -rf build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache
	find . -name __pycache__ -type d -prune -not -path './.venv/*' -exec rm -rf {} +
