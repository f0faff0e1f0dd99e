# pactgraph — set up, demonstrate, test, benchmark.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench clean install site chromium virtuoso nginx

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

SITE ?= site

site: $(STAMP)
	@$(BIN)/pactgraph publish $(SITE)
	@echo "Published to $(SITE)/. Preview it with: $(BIN)/pactgraph serve $(SITE)  (then open http://127.0.0.1:8000/)"

# The browser tests of the published site drive Debian's chromium.
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update && apt-get install -y chromium; }

# The tests against a real SPARQL server other than Oxigraph start Debian's Virtuoso Open Source.
virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource; }

# HTTP Basic against a real server: nginx with auth_basic in front of pactgraph endpoint.
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx; }

test: $(STAMP) chromium virtuoso nginx
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) build dist .pytest_cache $(SITE)
