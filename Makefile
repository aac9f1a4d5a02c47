# Drachma: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Reinstall when the locked dependencies or the system packages change.
STAMP := $(VENV)/.installed-$(shell cat requirements-dev.lock .ci/system-deps.sh | sha256sum | cut -c1-12)
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# make is the developer's tool: it asks for the development settings (production is the
# default and needs its secrets: docs/deploy.md).
export DRACHMA_ENV ?= development

.PHONY: run test suite lint format migrate demo worker install clean-db lock vendor screenshots

install: $(STAMP)

$(STAMP):
	bash .ci/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# Every dependency, tools included, at the version and hash the lock files name.
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

migrate: $(STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable

demo: migrate
	$(MANAGE) seed_demo --if-empty

run: demo
	$(MANAGE) print_demo_logins
	@echo "Serving http://$(HOST):$(PORT)/  (background worker and scheduler started; Ctrl-C stops all)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(MANAGE) db_worker >var/worker.log 2>&1 & \
	  $(MANAGE) run_scheduler >var/scheduler.log 2>&1 & \
	  $(MANAGE) runserver $(HOST):$(PORT)

test: lint suite

# The test suite alone (CI's second run, on PostgreSQL, after the checks passed once).
suite: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run >/dev/null
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean-db:
	rm -f var/drachma.sqlite3 var/drachma.sqlite3-wal var/drachma.sqlite3-shm
	rm -f var/audit-anchors-sqlite3-drachma.log  # the anchors of the database removed

# Re-resolve the lock files after changing pyproject.toml's dependencies (runtime, then dev on top).
# uv keeps every version already locked unless the change needs another.
lock:
	$(BIN)/uv pip compile --quiet --generate-hashes --python $(BIN)/python \
	  -o requirements.lock pyproject.toml
	$(BIN)/uv pip compile --quiet --generate-hashes --python $(BIN)/python --extra dev \
	  -c requirements.lock -o requirements-dev.lock pyproject.toml

# Re-vendor the front end (GOV.UK Frontend, MOJ Frontend, accessible-autocomplete, axe-core) at the
# versions .ci/frontend/package-lock.json pins and recompile static/compiled/drachma.min.css from
# static/scss/. Needs Node and npm; the results are committed, so `make run` needs neither.
vendor:
	bash .ci/vendor-frontend.sh

# Refresh docs/screenshots/ from the browser tests (each test saves its pages at 1280 and 390
# pixels only when DRACHMA_SCREENSHOTS=1, so ordinary test runs leave the tree untouched).
screenshots: $(STAMP)
	DRACHMA_SCREENSHOTS=1 $(BIN)/pytest -m browser -p no:xdist $(PYTEST_ARGS)
