# Two commands set up everything on a fresh machine: `make serve` and `make test`.
# Each creates .venv when it is missing and installs what it needs; stamps skip repeat installs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
CHROMIUM := /usr/bin/chromium
PORT ?= 8866
# apt-get needs root; CI runs as root, a developer's machine may need sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Jupyter refuses to start as root (as CI and these machines run) unless told to.
LAB_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: serve test lint check notebooks lab bench chromium postgresql hub-proxy static clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test]'
	touch $(VENV)/.runtime $@

$(VENV)/.lab: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[lab]'
	touch $(VENV)/.runtime $@

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium; \
	fi

# The store's tests start their own PostgreSQL server (tests/support/postgres.py) from
# Debian's binaries in /usr/lib/postgresql/<major>/bin; the package's own cluster is not used.
postgresql:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "Installing Debian's postgresql for the store's tests"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends postgresql; \
	fi

# The JupyterHub tests (tests/hub) and deploy/jupyterhub need the hub's proxy, an npm
# package: installed into deploy/jupyterhub/node_modules at the version in its package-lock.
HUB_PROXY := deploy/jupyterhub/node_modules/.bin/configurable-http-proxy
$(HUB_PROXY): deploy/jupyterhub/package.json deploy/jupyterhub/package-lock.json
	npm ci --prefix deploy/jupyterhub --no-audit --no-fund --loglevel=error
	touch $@

## hub-proxy: install JupyterHub's proxy (configurable-http-proxy, npm) for tests/hub
hub-proxy: $(HUB_PROXY)

## static: build the static edition into dist/static (Voici; tools in build/static-venv;
## an unchanged build is reused). Serve it with: python -m http.server -d dist/static
static: $(VENV)/.runtime
	$(BIN)/python tools/static/build.py

## serve: start the course as a Voila web app on 127.0.0.1
serve: $(VENV)/.runtime
	$(BIN)/twitchlearn serve --port $(PORT)

## check: validate the shipped course content
check: $(VENV)/.runtime
	$(BIN)/twitchlearn check

## notebooks: rewrite notebooks/ (for JupyterLab) from the shipped course
notebooks: $(VENV)/.runtime
	$(BIN)/twitchlearn notebooks notebooks

## lint: formatting, lint and strict typing (mypy's files are in pyproject.toml: the same folders)
lint: $(VENV)/.test
	$(BIN)/ruff format --check twitchlearn tests bench tools
	$(BIN)/ruff check twitchlearn tests bench tools
	$(BIN)/mypy

## test: the whole suite (lint, unit and property tests, notebooks, real browser)
test: $(VENV)/.test chromium postgresql $(HUB_PROXY) static lint
	$(BIN)/twitchlearn check
	$(BIN)/python -m pytest

## lab: open the lessons in JupyterLab
lab: $(VENV)/.lab
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 $(LAB_ROOT) notebooks/

## bench: measure speed against same-run baselines (not part of make test); see docs/performance.md
bench: $(VENV)/.test chromium
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
