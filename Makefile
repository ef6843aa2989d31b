# Two commands do everything on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
export NO_MKDOCS_2_WARNING := 1
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi

.PHONY: run test test-sqlite test-postgresql site bench bench-pages doctor clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## Build the help site into build/site from the school profile.
## Each file also as .gz and .br, which the app (WhiteNoise) and nginx (gzip_static) send.
site: $(VENV)/.installed
	$(VENV)/bin/mkdocs build --strict --quiet
	$(PY) -m whitenoise.compress --quiet build/site

## Run the product on http://127.0.0.1:5000: site, app, outbox worker and a local mail catcher.
run: site
	APP_ENV=$${APP_ENV:-development} $(FLASK) db upgrade
	APP_ENV=$${APP_ENV:-development} $(FLASK) staff init
	APP_ENV=$${APP_ENV:-development} $(PY) -m webapp.devserver --port $${PORT:-5000} --mail-port $${MAIL_PORT:-8025}

## Run every test: on SQLite, then again on PostgreSQL where it is reachable (always in CI).
test: $(VENV)/.installed
	$(PY) -m pytest
	@if [ -n "$$CI" ] || $(PY) -m tests.support.postgres_available; then \
		echo "== the database tests again, on PostgreSQL =="; \
		TEST_DATABASE=postgresql $(PY) -m pytest -m db; \
	else \
		echo "PostgreSQL is not reachable on 127.0.0.1:5432: database tests ran on SQLite only."; \
	fi

## The installation's health and risky settings, as `flask --app wsgi doctor` (README).
doctor: $(VENV)/.installed
	APP_ENV=$${APP_ENV:-development} $(FLASK) doctor

## Benchmarks (print figures; see README).
bench: $(VENV)/.installed
	$(PY) -m benchmarks.submissions
	$(PY) -m benchmarks.desk

## Page weight and Lighthouse scores of the site through the app (npm and Chromium needed; README).
bench-pages: $(VENV)/.installed
	$(PY) -m benchmarks.page_weight

clean:
	rm -rf build .pytest_cache
