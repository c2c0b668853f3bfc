# The two commands: `make html` builds the site into output/, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
JS_STAMP := node_modules/.installed

.PHONY: html publish test lint bench serve clean

$(PY_STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(JS_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

html: $(PY_STAMP) $(JS_STAMP)
	$(BIN)/pelican content -s pelicanconf.py -o output

publish: $(PY_STAMP) $(JS_STAMP)
	$(BIN)/pelican content -s publishconf.py -o output

test: $(PY_STAMP) $(JS_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

bench: $(PY_STAMP)
	$(BIN)/python bench/build_bench.py

serve: html
	$(BIN)/python -m http.server --directory output 8000

clean:
	rm -rf output cache
