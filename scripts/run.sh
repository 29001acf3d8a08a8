#!/usr/bin/env bash
# The main job: set up (without a browser: only the tests need one), start the local
# Neo4j (unless NEO4J_URI is set), load the territorial reference (Cantal and
# Saône-et-Loire; --all-france for all of it) and serve GraphQL on
# http://127.0.0.1:8000/graphql. Ctrl-C stops the server and the Neo4j this command
# started. Extra arguments go to `ctg run` (see `ctg run --help`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec .venv/bin/ctg run "$@"
