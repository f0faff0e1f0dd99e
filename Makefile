# pactgraph — set up, demonstrate, test, benchmark.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean install site system

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

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src/pactgraph

# Real components the tests start on loopback ports, from Debian, installed when missing:
# Chromium (the site in a browser), Apache Jena and Java (the second SHACL engine), Apache
# httpd and nginx (serving the published site; nginx also with Basic auth in front of the
# endpoint), Virtuoso Open Source (a SPARQL server other than Oxigraph). Each is looked for
# as the program or file the tests use; the missing ones are installed in one apt-get run.
SYSTEM_NEEDS := chromium:chromium java:default-jre-headless /usr/share/java/jena-shacl.jar:libapache-jena-java \
	/usr/sbin/apache2:apache2 /usr/sbin/nginx:nginx virtuoso-t:virtuoso-opensource

system:
	@missing=$$(for need in $(SYSTEM_NEEDS); do thing=$${need%%:*}; package=$${need#*:}; \
		{ command -v $$thing >/dev/null 2>&1 || test -e $$thing; } || echo $$package; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing from Debian:" $$missing; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi

test: $(STAMP) system node_modules/.package-lock.json lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) build dist .pytest_cache $(SITE) node_modules
