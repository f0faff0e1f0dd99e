# pactgraph — set up, demonstrate, test, benchmark.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench clean install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/pactgraph validate
	$(BIN)/pactgraph query parties-and-date
	$(BIN)/pactgraph query likelihood-and-chain
	$(BIN)/pactgraph query contributions

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/cold_start.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
