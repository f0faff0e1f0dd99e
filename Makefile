# pactgraph — set up, demonstrate, test, benchmark.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean install site chromium jena servers

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

# Browser files from npm, pinned in package-lock.json: the Oxigraph WebAssembly build that
# `publish` bundles for the in-browser query page, and axe-core for the accessibility tests.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { apt-get update && apt-get install -y npm; }
	npm ci --no-audit --no-fund

node_modules: node_modules/.package-lock.json

site: $(STAMP) node_modules/.package-lock.json
	@$(BIN)/pactgraph publish $(SITE)
	@echo "Published to $(SITE)/. Preview it with: $(BIN)/pactgraph serve $(SITE)  (then open http://127.0.0.1:8000/)"

# The browser tests of the published site drive Debian's chromium.
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update && apt-get install -y chromium; }

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src/pactgraph

# The second SHACL engine of the tests: Apache Jena (Debian's libapache-jena-java, run by Java).
jena:
	@{ command -v java >/dev/null 2>&1 && test -f /usr/share/java/jena-shacl.jar; } || \
		{ apt-get update && apt-get install -y libapache-jena-java default-jre-headless; }

# The deployment tests serve the published site with Debian's Apache httpd and nginx.
servers:
	@{ test -x /usr/sbin/apache2 && test -x /usr/sbin/nginx; } || { apt-get update && apt-get install -y apache2 nginx; }

test: $(STAMP) chromium jena servers node_modules/.package-lock.json lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) build dist .pytest_cache $(SITE) node_modules
