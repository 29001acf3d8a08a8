# Shortcuts; scripts/ and bench/ hold the real commands. `make` alone lists the targets.
# Extra options for bench/bench_all.py go in BENCH_ARGS, e.g.
#   make bench BENCH_ARGS="--only api,explorer"
PYTHON := .venv/bin/python
BENCH_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help setup bench bench-quick bench-limits bench-draft

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: ## Idempotent set-up: virtualenv, npm packages, Neo4j jars (Chromium: scripts/test.sh)
	bash scripts/setup.sh

bench: ## Every benchmark on one fresh Neo4j, all France (15–20 min): one table + bench/results/bench_all.json
	bash scripts/setup.sh --with-browser  # the explorer benchmark drives Chromium
	$(PYTHON) bench/bench_all.py $(BENCH_ARGS)

bench-quick: ## The same on the Cantal and Saône-et-Loire, fewer repeats (~4 min): a smoke run
	bash scripts/setup.sh --with-browser
	$(PYTHON) bench/bench_all.py --quick $(BENCH_ARGS)

bench-limits: ## Time and peak memory of validating the largest dataset file allowed (no Neo4j, ~5 min)
	bash scripts/setup.sh
	$(PYTHON) bench/bench_dataset_limits.py $(BENCH_ARGS)

bench-draft: ## Drafting quality (precision/recall per fact type) and time on the annotated articles (no Neo4j, ~1 min)
	bash scripts/setup.sh
	$(PYTHON) bench/bench_draft.py $(BENCH_ARGS)
