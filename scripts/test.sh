#!/usr/bin/env bash
# The whole test suite: set up (with the Chromium of the browser tests), lint and
# type-check, then pytest (unit, integration against a real throwaway Neo4j, end-to-end
# over HTTP and in Chromium). tests/conftest.py starts that Neo4j on a free port with its
# own data folder and stops it; the trap below makes sure it is stopped even if pytest
# itself is killed. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh --with-browser

CTG_TEST_NEO4J_DIR=$(mktemp -d -t ctg-test-neo4j.XXXXXX)
export CTG_TEST_NEO4J_DIR
cleanup() {
  # the session's Neo4j, and those the fault tests start under pytest's temp folder
  local pid_file instance
  for pid_file in "$CTG_TEST_NEO4J_DIR"/instance/run/ctg-neo4j.pid \
                  "$CTG_TEST_NEO4J_DIR"/pytest/*/instance/run/ctg-neo4j.pid; do
    [ -f "$pid_file" ] || continue
    instance=$(dirname "$(dirname "$pid_file")")
    env -u NEO4J_URI CTG_NEO4J_DIR="$instance" .venv/bin/ctg db stop || true
  done
  rm -rf "$CTG_TEST_NEO4J_DIR"
}
trap cleanup EXIT

echo "test: ruff, mypy, basedpyright, import contracts"
.venv/bin/ruff format --check .
.venv/bin/ruff check .
.venv/bin/mypy .
# LiteralString Cypher, which mypy reads as plain str ([tool.basedpyright] in pyproject.toml)
.venv/bin/basedpyright
# the arrows between the packages (docs/architecture.md; [tool.importlinter] in pyproject.toml)
.venv/bin/lint-imports --no-cache
echo "test: pytest"
.venv/bin/python -m pytest --basetemp="$CTG_TEST_NEO4J_DIR/pytest" "$@"
