# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
# Tests in parallel, one pytest-xdist worker per core (each with its own test database, Redis database
# and media folder: boveileder/settings/test.py); PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= 2
PIP := .venv/bin/pip
STAMP := .venv/.installed

.PHONY: run test venv messages translations lint format bench migrate demo worker beat vendor clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || python3.11 -m venv .venv || python3 -m venv .venv
	$(PIP) install -q --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

translations: $(STAMP)
	$(PY) manage.py compile_translations

# Regenerate the .po files after changing strings: one catalogue per app, one for the project.
messages: $(STAMP)
	for app in boveileder cases housing reports journal; do (cd $$app && ../$(PY) ../manage.py makemessages -l nb --no-obsolete); done
	$(PY) manage.py makemessages -l nb --no-obsolete --ignore=.venv --ignore=./boveileder --ignore=./cases --ignore=./housing --ignore=./reports --ignore=./journal --ignore=./tests

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

demo: migrate translations
	$(PY) manage.py seed_demo

run: demo
	@echo ""
	@echo "Boveileder runs at http://127.0.0.1:8000  (Ctrl-C stops it)"
	$(PY) manage.py demo_logins
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP) translations
	$(PY) manage.py makemigrations --check --dry-run
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	.venv/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format: $(STAMP)
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

worker: $(STAMP)
	.venv/bin/celery -A boveileder worker -l info

beat: $(STAMP)
	.venv/bin/celery -A boveileder beat -l info

# Read when make starts, before .venv is made: the benchmark's "whole run" counts the set-up too.
BENCH_STARTED := $(shell date +%s)
bench: $(STAMP) translations
	BENCH_STARTED=$(BENCH_STARTED) bash .ci/bench

# Refresh the vendored front-end assets from the npm registry (the committed copies serve at run time).
vendor:
	cd /tmp && rm -rf package bootstrap-*.tgz && npm pack bootstrap@$$(cat $(CURDIR)/static/vendor/bootstrap/VERSION) && tar xzf bootstrap-*.tgz
	cp /tmp/package/dist/css/bootstrap.min.css /tmp/package/dist/js/bootstrap.bundle.min.js static/vendor/bootstrap/
	sed -i '/sourceMappingURL/d' static/vendor/bootstrap/*.css static/vendor/bootstrap/*.js
	# Workbox for the service worker (templates/sw.js imports these builds; no CDN at run time).
	cd /tmp && for p in core routing strategies background-sync; do rm -rf package && npm pack -q workbox-$$p@$$(cat $(CURDIR)/static/vendor/workbox/VERSION) && tar xzf workbox-$$p-*.tgz && cp package/build/workbox-$$p.prod.js $(CURDIR)/static/vendor/workbox/ && rm workbox-$$p-*.tgz; done
	sed -i '/sourceMappingURL/d' static/vendor/workbox/*.js

clean:
	rm -rf .venv staticfiles
