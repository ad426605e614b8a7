# Two commands for a fresh clone (see README): `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	HOTLINE_DEMO=1 $(BIN)/hotline demo

test: $(VENV)/.installed-test
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check hotline bench
	$(BIN)/ruff format --check hotline bench
	$(BIN)/mypy hotline

# Benchmarks (docs/benchmarks.md). The order benchmark builds 1,000,000 orders on SQLite and
# on PostgreSQL (DATABASE_URL) and takes a while; BENCH_ORDERS sets another size.
BENCH_ORDERS ?= 1000000
bench: $(VENV)/.installed-test
	$(BIN)/python bench/bench_deadline.py
	$(BIN)/python bench/bench_knowledge.py
	$(BIN)/python bench/bench_orders.py --orders $(BENCH_ORDERS)

clean:
	rm -rf $(VENV) var
