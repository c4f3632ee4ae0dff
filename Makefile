# The two commands of the README: `make clean` (set up, then clean seeds/ into out/) and `make test`.
# `make clean` cleans the *texts*; `make distclean` deletes generated files.

VENV    := .venv
BIN     := $(VENV)/bin
INPUT   ?= seeds
OUT     ?= out
JOBS    ?= 1

.PHONY: setup clean test eval bench lint review distclean

setup:
	@bash scripts/setup.sh

clean: setup
	$(BIN)/cleaner run $(INPUT) --out $(OUT) --jobs $(JOBS)

test: setup
	$(BIN)/python -m pytest -q

review: setup
	$(BIN)/cleaner review $(OUT)

eval: setup
	$(BIN)/python -m bench.evaluate

bench: setup
	$(BIN)/python -m bench.run

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

distclean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis .cache tools/languagetool/lib *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
