# Two commands matter: `make demo` (set up, train if needed, score the bundled sample) and
# `make test` (set up, run the tests). Both create .venv with the Python found below.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MODEL := models/default

.PHONY: setup demo test test-fast lint data check-data train realdata adapt bench bench-rss bench-dask clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	@test -f $(MODEL)/card.json || $(BIN)/screening train --out $(MODEL)
	$(BIN)/screening score data/sample_posts.csv -o out/sample_scored.csv \
		--model $(MODEL) --candidates data/candidates_sample.yaml --force

# -n auto: one pytest worker per core (pytest-xdist); the tests that need the full model share
# one worker (--dist loadgroup), so it is trained once. One OpenMP/BLAS thread per worker: with
# a worker per core, more threads only wait for each other (the suite took 2.4x longer).
# Bytecode is cached even where the environment says not to (PYTHONDONTWRITEBYTECODE=1 on
# our machines): otherwise every worker re-compiles the tests' rewritten asserts (about 2 s).
PYTEST := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONDONTWRITEBYTECODE= \
	$(BIN)/python -m pytest -q -n auto --dist loadgroup
test: $(STAMP)
	$(PYTEST)

# for quick iteration: everything but the tests that need the full model or retrain for real
# (marked slow) and those that start processes and wait on them (marked processes: workers,
# signals, a server, a Dask cluster, pip). Touching scoring/parallel or the store? Run
# `.venv/bin/python -m pytest -m processes` too, or make test.
test-fast: $(STAMP)
	$(PYTEST) -m "not slow and not processes"

lint: $(STAMP)
	$(BIN)/ruff check screening tests bench
	$(BIN)/ruff format --check screening tests bench
	$(BIN)/mypy

train: $(STAMP)
	$(BIN)/screening train --out $(MODEL) --force

data: $(STAMP)
	$(BIN)/screening build-data
	$(BIN)/screening check-data

check-data: $(STAMP)
	$(BIN)/screening check-data

# Score every real export in ../shared/realdata (evaluation only; outputs stay in out/).
REALDATA ?= ../shared/realdata
realdata: $(STAMP)
	@test -f $(MODEL)/card.json || $(BIN)/screening train --out $(MODEL)
	@mkdir -p out/realdata
	@for f in $(REALDATA)/*.csv $(REALDATA)/*.tsv; do \
	  $(BIN)/screening score "$$f" -o "out/realdata/$$(basename "$$f").scored.csv" \
	    --model $(MODEL) --force --json || exit 1; \
	done | $(BIN)/python -m bench.realdata_table

# Throughput, peak RSS, eval AP of `screening score` vs a fastText baseline on N generated posts
# (results in bench/results/). `make bench-rss` checks peak RSS at 100k vs 1M posts.
N ?= 200000
BENCH_STAMP := $(VENV)/.bench-stamp

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	touch $(BENCH_STAMP)

# Retrain on one real election's labelled posts, measure on the others (models thrown away).
adapt: $(STAMP)
	@test -f $(MODEL)/card.json || $(BIN)/screening train --out $(MODEL)
	$(BIN)/python -m bench.adapt --model $(MODEL) --json out/adapt.json

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.run --n $(N)

bench-rss: $(BENCH_STAMP)
	$(BIN)/python -m bench.run --sizes 100000,1000000

# Local engine vs Dask engine (LocalCluster) on the same N posts as Parquet.
bench-dask: $(BENCH_STAMP)
	@test -f $(MODEL)/card.json || $(BIN)/screening train --out $(MODEL)
	$(BIN)/python -m bench.engines --n $(N)

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
