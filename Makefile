# One entry point for people and CI. Everything runs from the project's own .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install demo test check lint typecheck imports-lint bench screenshots messages clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: install
	$(BIN)/relance demo --port $(PORT)

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy relance tests benchmarks

imports-lint: install
	$(BIN)/lint-imports

check: lint typecheck imports-lint test

bench: install
	$(BIN)/python -m benchmarks.import_invoices
	$(BIN)/python -m benchmarks.hostile_imports
	$(BIN)/python -m benchmarks.plan_day
	$(BIN)/python -m benchmarks.pages
	$(BIN)/python -m benchmarks.send_outbox
	$(BIN)/python -m benchmarks.hostile_render
	$(BIN)/python -m benchmarks.first_day
	$(BIN)/python -m benchmarks.bank_statements
	$(BIN)/python -m benchmarks.bank_matching
	$(BIN)/python -m benchmarks.forecast

# The user guide's pictures, taken by the browser tests on their own data.
screenshots: install
	RELANCE_SCREENSHOTS=$(CURDIR)/docs/images $(BIN)/pytest -q tests/browser

# After changing French interface strings: refresh the English catalogue, translate the new
# entries in relance/locale/en/LC_MESSAGES/django.po, then compile it (needs GNU gettext).
messages: install
	cd relance && ../$(BIN)/django-admin makemessages -l en --settings relance.settings --pythonpath ..
	cd relance && ../$(BIN)/django-admin compilemessages -l en --settings relance.settings --pythonpath ..

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
