# Quick start:  make run   (install, crawl every registered site into data/archive.sqlite3)
#               make test  (install with test extras, run the whole suite)
#               make demo  (offline: serve the replica sites on 127.0.0.1 and crawl them)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test demo install install-test bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("cppcc-archiver needs Python >= 3.11") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# pywb (the replay server the WACZ test loads exports into) pins redis 2.x; scrapy-redis needs
# redis 5, so pywb gets a venv of its own inside ours.
$(VENV)/pywb/bin/wayback: $(BIN)/python
	$(BIN)/python -m venv $(VENV)/pywb
	$(VENV)/pywb/bin/pip install --quiet 'pywb>=2.8'

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test $(VENV)/pywb/bin/wayback

run: install
	$(BIN)/cppcc-archiver crawl --all

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

demo: install
	$(BIN)/cppcc-archiver demo

bench: install-test
	$(BIN)/pip install --quiet -e '.[bench]'
	@echo "see bench/README.md for the individual benchmarks"

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
