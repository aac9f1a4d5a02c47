# Drachma: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Reinstall when the dependencies or system packages change (not for tool settings).
STAMP := $(VENV)/.installed-$(shell sed -n '/^dependencies/,/^\[tool/p' pyproject.toml | cat - .ci/system-deps.sh | sha256sum | cut -c1-12)
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint format migrate demo worker install clean-db

install: $(STAMP)

$(STAMP):
	bash .ci/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel setuptools
	$(BIN)/pip install --quiet -e '.[dev]'
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

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/python manage.py makemigrations --check --dry-run >/dev/null
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean-db:
	rm -f var/drachma.sqlite3 var/drachma.sqlite3-wal var/drachma.sqlite3-shm
	rm -f var/audit-anchors-sqlite3-drachma.log  # the anchors of the database removed
