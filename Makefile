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

DEMO_QUERIES := parties-and-date likelihood-and-chain contributions

demo: $(STAMP)
	@echo "== pactgraph validate (the shipped graph against the shipped shapes)"
	@$(BIN)/pactgraph validate
	@for q in $(DEMO_QUERIES); do \
		echo; \
		sed -n 's/^# question: /== /p' queries/[0-9]*-$$q.rq; \
		$(BIN)/pactgraph query $$q || exit $$?; \
	done

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/cold_start.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
