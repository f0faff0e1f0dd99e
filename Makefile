# pactgraph — set up, demonstrate, test, benchmark.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean install site system vendor messages

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

# Browser files from npm, pinned in package-lock.json: the Oxigraph WebAssembly build of the
# in-browser query page (shipped in the Python package; see `vendor`), and axe-core for the
# accessibility tests.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "make: npm is missing; installing it from Debian"; \
		$(APT_UPDATE) && $(APT) install -y -q npm; }
	npm ci --no-audit --no-fund

node_modules: node_modules/.package-lock.json

# After changing a pin in package.json: copy the browser files that published sites carry into
# the Python package (pactgraph.publishing.vendored lists them; tests/test_packaging.py checks them).
vendor: $(STAMP) node_modules/.package-lock.json
	$(BIN)/python -c "from pathlib import Path; from pactgraph.publishing import vendored; \
		vendored.refresh(Path('node_modules'), Path('src/pactgraph/publishing'))"

site: $(STAMP)
	@$(BIN)/pactgraph publish $(SITE)
	@echo "Published to $(SITE)/. Preview it with: $(BIN)/pactgraph serve $(SITE)  (then open http://127.0.0.1:8000/)"

# The site's interface strings: extract the template (.pot) from the templates and the Python
# that writes page text, then merge it into each language's catalogue (translate the new or
# changed entries there; tests/test_publish_languages.py checks that none is left empty or fuzzy).
LOCALE := src/pactgraph/publishing/locale
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k gettext -k ngettext:1,2 --no-location --sort-output \
		--omit-header -o $(LOCALE)/messages.pot .
	for lang in zh ru; do $(BIN)/pybabel update --no-wrap --ignore-obsolete --no-fuzzy-matching \
		-i $(LOCALE)/messages.pot -d $(LOCALE) -l $$lang; done

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src/pactgraph

# Real components the tests start on loopback ports, from Debian, installed when missing. Each
# is looked for as the program or file the tests use; the missing ones are installed in one
# apt-get run, which waits up to 10 minutes for another package manager to let go of the lock.
#   chromium              the published site in a browser (driven by Playwright)
#   default-jre-headless  Java, for Apache Jena
#   libapache-jena-java   Apache Jena, the second SHACL engine
#   apache2, nginx        serving the published site (nginx also with Basic auth in front of the endpoint)
#   virtuoso-opensource   a SPARQL server other than Oxigraph
#   graphviz              `dot`, which lays out the published site's figures (relay chains, the ontology overview)
#   fonts-noto-cjk        Chinese glyphs, so the browser checks measure the Chinese pages as readers see them
SYSTEM_NEEDS := chromium:chromium java:default-jre-headless /usr/share/java/jena-shacl.jar:libapache-jena-java \
	/usr/sbin/apache2:apache2 /usr/sbin/nginx:nginx virtuoso-t:virtuoso-opensource /usr/bin/dot:graphviz \
	/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:fonts-noto-cjk
APT := DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600
# `apt-get update` takes the package lists' lock, which the option above does not cover: retried
# while another package manager holds it (up to 10 minutes), any other failure ends at once.
APT_UPDATE := for try in $$(seq 60); do out=$$($(APT) update -q 2>&1) && break; \
	echo "$$out" | grep -q "Could not get lock" || { echo "$$out" >&2; exit 1; }; \
	echo "make system: another package manager holds the apt lock; waiting"; sleep 10; done

system:
	@missing=$$(for need in $(SYSTEM_NEEDS); do thing=$${need%%:*}; package=$${need#*:}; \
		{ command -v $$thing >/dev/null 2>&1 || test -e $$thing; } || echo $$package; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "make system: the tests need these Debian packages, which are missing:" $$missing \
		"(see the Makefile for what each is for)"; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "make system: installing them needs root: run 'sudo make system', or as root: apt-get install -y" $$missing >&2; \
		exit 1; \
	fi; \
	command -v apt-get >/dev/null 2>&1 || { echo "make system: apt-get not found: the tests need Debian or Ubuntu packages:" $$missing >&2; exit 1; }; \
	$(APT_UPDATE) && $(APT) install -y -q $$missing

# One pytest worker per core (pytest-xdist), each taking whole test files, so a file's servers
# and published sites are set up once; the 15 slowest tests are listed at the end.
test: $(STAMP) system node_modules/.package-lock.json lint
	$(BIN)/python -m pytest -n auto --dist loadfile --durations=15

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) build dist .pytest_cache $(SITE) node_modules
