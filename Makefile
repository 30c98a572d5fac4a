# The two commands a newcomer needs: `make run` and `make test`.
# Everything is installed into .venv inside the checkout; a second run reinstalls
# only when pyproject.toml has changed.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgres://postgres@127.0.0.1:5432/finsam
HOST ?= 127.0.0.1:8000
# pytest-xdist: the suite runs in this many processes (one per core of the 2-core CI
# machine), whole test files to one process so their module-level caches are shared.
TEST_WORKERS ?= 2
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

.PHONY: run test install lint browser test-sqlite test-postgres demo clean

# The browser tests need Debian's chromium; as root we install it, otherwise they are
# left out with a notice (CI, where CI=true, requires them).
E2E_SELECT = $(shell command -v chromium >/dev/null 2>&1 || echo '-m "not e2e"')

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --with-users

# The server and the background worker (draft PDFs and SIE imports, both queues)
# together; Ctrl+C stops both. The worker runs at nice 10, so rendering a PDF never
# slows the pages down.
run: demo
	@echo ""
	@echo "Finsam körs på http://$(HOST)/  (avsluta med Ctrl+C)"
	@echo "Demoinloggningar, lösenord finsam-demo: kansli, styrelse, revisor, admin"
	@echo ""
	@nice -n 10 $(PY) manage.py worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "== installing Debian's chromium for the browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		elif [ "$$CI" = "true" ]; then echo "chromium is missing and CI requires the browser tests"; exit 1; \
		else echo "== chromium is not installed: the browser tests (-m e2e) are left out"; fi; }

test-sqlite: install
	$(PYTEST) $(E2E_SELECT)

# Runs when PostgreSQL answers on 127.0.0.1:5432 or DATABASE_URL is set;
# REQUIRE_POSTGRES=1 (set by .ci/run) turns a missing server into a failure. The
# browser tests look at pages, not at the database: they run on SQLite only.
test-postgres: install
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== pytest against $$DATABASE_URL"; $(PYTEST) -m "not e2e"; \
	elif $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
		echo "== pytest against PostgreSQL at 127.0.0.1:5432"; DATABASE_URL=$(PG_URL) $(PYTEST) -m "not e2e"; \
	elif [ "$$REQUIRE_POSTGRES" = "1" ]; then \
		echo "PostgreSQL answers on neither DATABASE_URL nor 127.0.0.1:5432, and it is required."; exit 1; \
	else \
		echo "== PostgreSQL not reachable on 127.0.0.1:5432: skipping the PostgreSQL run"; \
	fi

test: lint browser
	@echo "== pytest against SQLite"
	env -u DATABASE_URL $(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
