# Producer Studio. `make run` serves the studio on the built-in emulator; `make test` runs
# the whole suite. Both set up .venv first when it is missing or out of date, from the locks
# in requirements/: run.txt (what the studio needs to run) and dev.txt (that, and the test
# and lint tools). `make lock` resolves them again from pyproject.toml.

SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
RUN_LOCK := requirements/run.txt
DEV_LOCK := requirements/dev.txt
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed
# Exact versions with their hashes, nothing else; bytecode is written on first import.
PIP_INSTALL := $(PY) -m pip install --quiet --require-hashes --no-compile

# The first Python >= 3.12 found: $PYTHON, python3.13, python3.12, python3, then pyenv's.
FIND_PYTHON = for c in "$$PYTHON" python3.13 python3.12 python3 \
	  $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do \
	  [ -n "$$c" ] || continue; \
	  if "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo "$$c"; exit 0; fi; \
	done; exit 1

.PHONY: run test test-fast lint format bench worker serve migrate demo check-deploy clean lock

$(PY):
	@py=$$($(FIND_PYTHON)) || { \
	  echo "Producer Studio needs Python 3.12 or newer, and none was found."; \
	  echo "Install one (Debian/Ubuntu: apt-get install python3.12 python3.12-venv; macOS: brew install python@3.12;"; \
	  echo "or pyenv install 3.12), or point PYTHON at it: make run PYTHON=/path/to/python3.12"; \
	  exit 1; }; \
	echo "Using $$py ($$($$py --version))"; \
	$$py -m venv $(VENV)

# What running needs (make run, worker, serve).
$(RUN_STAMP): $(RUN_LOCK) | $(PY)
	$(PIP_INSTALL) -r $(RUN_LOCK)
	@touch $@

# That and the test and lint tools (make test, lint, format, bench, lock).
$(STAMP): $(DEV_LOCK) $(RUN_STAMP)
	$(PIP_INSTALL) -r $(DEV_LOCK)
	@touch $@

# Resolve both locks again from pyproject.toml, keeping the versions it still allows
# (LOCK_ARGS=--upgrade for the newest); dev.txt holds run.txt's versions.
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
lock: $(STAMP)
	$(PIP_COMPILE) --output-file $(RUN_LOCK) pyproject.toml
	$(PIP_COMPILE) --extra dev --constraint $(RUN_LOCK) --output-file $(DEV_LOCK) pyproject.toml

migrate: $(RUN_STAMP)
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py ensure_demo_user

# Web server and worker together; Ctrl-C stops both.
run: demo
	@echo ""
	@echo "  Producer Studio is starting on http://127.0.0.1:$(PORT)/"
	@echo "  Log in as: demo / $${DEMO_PASSWORD:-demo}   (the studio runs on the built-in emulator)"
	@echo ""
	@PORT=$(PORT) $(PY) manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null; echo "Stopped the web server and the worker."' EXIT; \
	PORT=$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT) || true

worker: migrate
	$(PY) manage.py worker

# Production-style server (see README: Deployment).
serve: $(RUN_STAMP)
	$(VENV)/bin/gunicorn producer_site.wsgi --config deploy/gunicorn.conf.py --bind 127.0.0.1:$(PORT)

# The suite runs in one process per core (pytest-xdist), the browser tests all in one of them;
# TEST_WORKERS=0 runs it in this one.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup -m "not browser" $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	$(PY) bench/run_all.py

check-deploy: $(RUN_STAMP)
	set -a; . ./deploy/example.env; set +a; $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles
