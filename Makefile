# The two commands a newcomer needs: `make run` and `make test`.
# Everything is installed into .venv inside the checkout; a second run reinstalls
# only when pyproject.toml has changed.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgres://postgres@127.0.0.1:5432/finsam
HOST ?= 127.0.0.1:8000

.PHONY: run test install lint test-sqlite test-postgres demo clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --with-users

run: demo
	@echo ""
	@echo "Finsam körs på http://$(HOST)/  (avsluta med Ctrl+C)"
	@echo "Demoinloggningar, lösenord finsam-demo: kansli, styrelse, revisor, admin"
	@echo ""
	$(PY) manage.py runserver $(HOST)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test-sqlite: install
	$(PY) -m pytest

# Runs when PostgreSQL answers on 127.0.0.1:5432 or DATABASE_URL is set;
# REQUIRE_POSTGRES=1 (set by .ci/run) turns a missing server into a failure.
test-postgres: install
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== pytest against $$DATABASE_URL"; $(PY) -m pytest; \
	elif $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
		echo "== pytest against PostgreSQL at 127.0.0.1:5432"; DATABASE_URL=$(PG_URL) $(PY) -m pytest; \
	elif [ "$$REQUIRE_POSTGRES" = "1" ]; then \
		echo "PostgreSQL answers on neither DATABASE_URL nor 127.0.0.1:5432, and it is required."; exit 1; \
	else \
		echo "== PostgreSQL not reachable on 127.0.0.1:5432: skipping the PostgreSQL run"; \
	fi

test: lint
	@echo "== pytest against SQLite"
	env -u DATABASE_URL $(PY) -m pytest
	$(MAKE) --no-print-directory test-postgres

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
