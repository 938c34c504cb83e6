# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
RUN_ENV := DEBUG=1

.PHONY: run serve test install browser-deps lint typecheck pytest bench loadtest clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium and a CJK font for the end-to-end tests (Playwright's own browser download does not
# work on these machines), and poppler-utils (pdftoppm, pdftotext) with which they read the pages they print
# to PDF. Installed only when missing; needs root, as on the CI machines.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy"; then \
		echo "Installing chromium and fonts-wqy-microhei from Debian ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	fi
	@if ! command -v pdftoppm >/dev/null || ! command -v pdftotext >/dev/null; then \
		echo "Installing poppler-utils from Debian ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	fi

run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py createcachetable
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	@echo "打开 http://127.0.0.1:8000 ，用上面的演示账户登录。"
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Production: the environment gives SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, … (README, 部署); gunicorn reads
# GUNICORN_BIND and GUNICORN_WORKERS (gunicorn.conf.py).
serve: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/gunicorn --config gunicorn.conf.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports  # layers point down (contracts in pyproject.toml)

typecheck: install
	DEBUG=1 $(BIN)/mypy .

# Two workers (pytest-xdist, one test database per worker, a module's tests on one worker so module-scoped
# fixtures load once): on a quiet 2-core machine the whole suite took 337 s with two workers against 576 s with
# one (2026-11-28, PostgreSQL). `make pytest PYTEST_WORKERS=0` runs it in one process; PYTEST_ARGS passes options.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

pytest: install browser-deps
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

test: lint typecheck pytest

bench: install
	for f in bench/bench_*.py; do DEBUG=1 $(BIN)/python $$f || exit 1; done

# 20 users against gunicorn (2 workers) on loopback; needs the local PostgreSQL (bench/loadtest.sh).
loadtest: install
	bench/loadtest.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache staticfiles artifacts
