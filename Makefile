# Garrison: `make run` on a fresh machine serves on http://127.0.0.1:8000; `make test` runs the suite.
# DATABASE_URL in the environment selects PostgreSQL for both (default: SQLite in var/).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SECRET_KEY_FILE := var/secret_key
PYTEST_ARGS ?=

.PHONY: help install run test lint max-lines chromium gnupg

help:
	@echo "make run    install, migrate, create the first admin, serve on http://127.0.0.1:8000 with the worker"
	@echo "make test   install, then the test suite (PYTEST_ARGS=... to pass options; DATABASE_URL for PostgreSQL)"
	@echo "make lint   ruff, ruff format --check, mypy, makemigrations --check, the 800-line limit"

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

$(SECRET_KEY_FILE):
	mkdir -p var
	umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@.tmp
	chmod 600 $@.tmp
	mv $@.tmp $@
	@echo "generated a secret key in $@ (keep it: sessions and derived encryption keys depend on it)"

run: install gnupg $(SECRET_KEY_FILE)
	@chmod 700 var  # the SQLite database and the key live here
	@if [ -z "$${GARRISON_SECRET_KEY:-}" ]; then export GARRISON_SECRET_KEY_FILE="$${GARRISON_SECRET_KEY_FILE:-$(CURDIR)/$(SECRET_KEY_FILE)}"; fi; \
	$(BIN)/garrison migrate; \
	$(BIN)/garrison createadmin --if-none; \
	exec $(BIN)/garrison serve

# The browser tests drive Debian's Chromium (Playwright's own download cannot be fetched here).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  sudo=""; if [ "$$(id -u)" -ne 0 ]; then sudo="sudo"; fi; \
	  echo "installing Debian's chromium for the browser tests"; \
	  $$sudo apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium; \
	fi

# Pre-notifications are encrypted with GnuPG (python-gnupg drives the gpg binary).
gnupg:
	@if ! command -v gpg > /dev/null; then \
	  sudo=""; if [ "$$(id -u)" -ne 0 ]; then sudo="sudo"; fi; \
	  echo "installing Debian's gnupg for OpenPGP-encrypted pre-notifications"; \
	  $$sudo apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq gnupg; \
	fi

test: install chromium gnupg
	$(BIN)/pytest $(PYTEST_ARGS)

max-lines:
	$(BIN)/python .ci/max_lines.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.test_settings
	$(BIN)/python .ci/max_lines.py

# Import benchmark (synthetic Trivy and SARIF reports) on SQLite (var/bench.sqlite3, fresh each time) and on
# PostgreSQL (BENCH_PG, created if missing), then on PostgreSQL the peak memory of one BENCH_STREAM_MB report per
# format (a child process each; about a minute per gigabyte). It writes to these databases only.
BENCH_SIZES ?= 10000,100000
BENCH_STREAM_MB ?= 1024
BENCH_PG ?= postgres://postgres@127.0.0.1:5432/garrison_bench
BENCH_KEY := bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz

.PHONY: bench-import bench-issues
bench-import: install
	mkdir -p var && rm -f var/bench.sqlite3
	export GARRISON_SECRET_KEY=$(BENCH_KEY) DATABASE_URL=sqlite:///$(CURDIR)/var/bench.sqlite3; \
	$(BIN)/garrison migrate > /dev/null && $(BIN)/garrison bench import --sizes $(BENCH_SIZES)
	export GARRISON_SECRET_KEY=$(BENCH_KEY) DATABASE_URL=$(BENCH_PG); \
	$(BIN)/python -m garrison.findings.bench.database "$$DATABASE_URL" && \
	$(BIN)/garrison migrate > /dev/null && \
	$(BIN)/garrison bench import --sizes $(BENCH_SIZES) --stream-mb $(BENCH_STREAM_MB)

# Issue list benchmark: 100,000 issues over 50 security levels; p50/p95 of the list page and API for a developer and
# a security lead, on SQLite (var/bench-issues.sqlite3, fresh) and PostgreSQL (BENCH_PG, topped up).
ISSUE_SIZES ?= 100000
bench-issues: install
	mkdir -p var && rm -f var/bench-issues.sqlite3
	export GARRISON_SECRET_KEY=$(BENCH_KEY) DATABASE_URL=sqlite:///$(CURDIR)/var/bench-issues.sqlite3; \
	$(BIN)/garrison migrate > /dev/null && $(BIN)/garrison bench issues --sizes $(ISSUE_SIZES)
	export GARRISON_SECRET_KEY=$(BENCH_KEY) DATABASE_URL=$(BENCH_PG); \
	$(BIN)/python -m garrison.findings.bench.database "$$DATABASE_URL" && \
	$(BIN)/garrison migrate > /dev/null && $(BIN)/garrison bench issues --sizes $(ISSUE_SIZES)
