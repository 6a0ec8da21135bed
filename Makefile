# Two commands from a fresh clone: `make site` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
VNU    := build/vnu/node_modules/vnu-jar/build/dist/vnu.jar
ESLINT := build/eslint/node_modules/.bin/eslint
#: The JavaScript linter and its two packages, pinned (eslint.config.mjs imports them).
ESLINT_PACKAGES := eslint@9.39.5 @eslint/js@9.39.5 globals@17.15.0
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test serve check check-strict lint lock bench screenshots chromium clean

# requirements.lock pins every package (and its version) that any command here installs,
# so two machines build the same bytes; `make lock` rewrites it after a dependency changes.
$(VENV)/.site: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e .
	touch $@

$(VENV)/.test: $(VENV)/.site
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $@

## Build the public site into site/ (replaced only after a complete, strict build).
site: $(VENV)/.site
	$(BIN)/python -m generator build

## Run every test, browser tests included.
test: $(VENV)/.test chromium $(VNU)
	$(BIN)/python -m pytest

# The Nu HTML Checker the tests run on every page (needs Java; .ci/run installs it).
$(VNU):
	npm install --prefix build/vnu --no-audit --no-fund --silent vnu-jar

## Preview while editing: rebuilds when data/, content/ or theme/ change. Another port:
## make serve PORT=8001 (a port already taken, say by a preview running, stops it at once).
PORT ?= 8000
serve: $(VENV)/.site
	@$(BIN)/python -m generator.plugin --port $(PORT) && $(BIN)/python -m generator generate
	$(BIN)/mkdocs serve --livereload --dirty --dev-addr 127.0.0.1:$(PORT)

## Validate the data files only.
check: $(VENV)/.site
	$(BIN)/python -m generator check

## The same, failing on warnings too (entries overdue for review): what CI runs.
check-strict: $(VENV)/.site
	$(BIN)/python -m generator check --strict

## Style and types: ruff, and mypy --strict on generator/ (CI runs it before the tests);
## ESLint on the site's scripts (installed with npm into build/eslint, as pinned above).
lint: $(VENV)/.test $(ESLINT)
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/mypy
	$(ESLINT) theme/assets/javascripts/*.js tests/js/*.js

$(ESLINT):
	npm install --prefix build/eslint --no-audit --no-fund --silent $(ESLINT_PACKAGES)

## Rewrite requirements.lock from a fresh environment with every extra installed.
lock:
	rm -rf build/lock-venv
	$(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/python -m pip install --quiet -e '.[test]'
	build/lock-venv/bin/python -m pip freeze --exclude-editable > requirements.lock
	rm -rf build/lock-venv

## Find a Chromium for the browser tests, or install Debian's.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { echo "Chromium not found; installing Debian's chromium package"; \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

clean:
	rm -rf site .site.spare build/site-* build/docs/*

## Speed and size figures at 100, 1,000 and 5,000 services; writes BENCHMARKS.md (about 10 min).
bench: $(VENV)/.test
	@test -x build/bench/node_modules/.bin/lighthouse || \
	  npm install --prefix build/bench --no-audit --no-fund --silent lighthouse@12
	$(BIN)/python bench/run.py

## Photographs of the home page, the directory and a service, of the sample and another area,
## at 1280 and 390 px, into build/screenshots/: for a person to look at (`make bench` too).
screenshots: $(VENV)/.test chromium
	$(BIN)/python bench/screenshots.py
