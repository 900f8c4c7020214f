# The two commands a newcomer needs:
#   make run    set up .venv if missing, ingest examples/ into ./counterclaim.db, print a summary
#   make test   set up .venv if missing, run the whole test suite (what .ci/run calls)
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test eval bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,spark]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/counterclaim ingest examples/
	$(BIN)/counterclaim documents
	$(BIN)/counterclaim export --format jsonl --out ledger.jsonl
	@echo "ledger: ./counterclaim.db   export: ./ledger.jsonl ($$(wc -l < ledger.jsonl) lines)"

# Test files are spread over TEST_WORKERS processes (pytest-xdist; one file stays in one process, and
# each process gets its own PostgreSQL database). TEST_WORKERS=0 runs everything in this process.
TEST_WORKERS ?= 2

test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile --durations=15

eval: $(STAMP)
	$(BIN)/python bench/eval.py

bench: $(STAMP)
	$(BIN)/python bench/bench_ingest.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
