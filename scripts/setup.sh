#!/usr/bin/env bash
# Idempotent set-up of everything ctg-graph needs to run, on a fresh machine or an old one:
#   1. a virtualenv in .venv (Python 3.11 or newer) with the pinned dependencies
#      (requirements.lock);
#   2. the npm packages of package-lock.json in node_modules (the territorial reference,
#      the explorer's graph library and map);
#   3. the Neo4j 5.26 jars, fetched by Maven, in .local/neo4j (first time only).
# With --with-browser (scripts/test.sh passes it), also:
#   4. Debian's chromium at /usr/bin/chromium, which Playwright drives in the explorer's
#      browser tests (first time only; Playwright's own browser downloads are not used).
#      Running needs no browser, so scripts/run.sh never asks for apt-get or root.
# Each step is skipped when its inputs have not changed since it last succeeded.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fail() { echo "setup: $*" >&2; exit 1; }

WITH_BROWSER=0
for argument in "$@"; do
  case $argument in
    --with-browser) WITH_BROWSER=1 ;;
    *) fail "unknown option $argument (the only one is --with-browser)" ;;
  esac
done

# The oldest Python pyproject.toml accepts (requires-python); newer ones are welcome.
supported() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }
PYTHON=${PYTHON:-}
if [ -n "$PYTHON" ]; then
  supported "$PYTHON" || fail "PYTHON=$PYTHON is not Python 3.11 or newer; point it at one, or unset it."
else
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && supported "$candidate"; then
      PYTHON=$candidate; break
    fi
  done
fi
[ -n "$PYTHON" ] || fail "Python 3.11 or newer is required, and none of python3.13, python3.12, python3.11, python3 on PATH is one; install one, or set PYTHON=/path/to/python3.12."
command -v npm >/dev/null 2>&1 || fail "npm (Node.js 18+) is required to install the territorial reference; install Node.js."
if [ -z "${NEO4J_URI:-}" ]; then
  command -v java >/dev/null 2>&1 || fail "Java 17 or 21 is required for the local Neo4j (or set NEO4J_URI to use your own Neo4j)."
  command -v mvn >/dev/null 2>&1 || fail "Maven is required to fetch the Neo4j jars (or set NEO4J_URI to use your own Neo4j)."
fi

mkdir -p .setup-stamps
changed() {  # changed NAME FILE... : true when the files differ from the last success
  local sum; sum=$(cat "${@:2}" | sha256sum | cut -d' ' -f1)
  [ "$(cat ".setup-stamps/$1" 2>/dev/null)" != "$sum" ] && echo "$sum" > ".setup-stamps/$1.pending"
}
done_step() { mv ".setup-stamps/$1.pending" ".setup-stamps/$1"; }

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
  rm -f .setup-stamps/python
fi
if changed python pyproject.toml requirements.lock || ! .venv/bin/python -c 'import cli.app' 2>/dev/null; then
  echo "setup: installing Python dependencies"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
  if [ -f .setup-stamps/python.pending ]; then done_step python; fi
fi

if changed npm package.json package-lock.json || [ ! -d node_modules/@etalab/decoupage-administratif ] ||
   [ ! -d node_modules/cytoscape ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  if [ -f .setup-stamps/npm.pending ]; then done_step npm; fi
fi

if [ -z "${NEO4J_URI:-}" ]; then
  .venv/bin/ctg db install
fi

if [ "$WITH_BROWSER" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  command -v apt-get >/dev/null 2>&1 ||
    fail "the explorer's browser tests need Chromium at /usr/bin/chromium and apt-get is not available here; install your system's chromium package."
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "installing chromium needs root: run 'apt-get install chromium' as root, then this script again."
    SUDO="sudo"
  fi
  echo "setup: installing Debian's chromium (for the explorer's browser tests)"
  { $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends chromium; } ||
    fail "apt-get could not install chromium (see above); install it by hand with 'apt-get install chromium', then run this script again."
  [ -x /usr/bin/chromium ] || fail "the chromium package did not install /usr/bin/chromium; the browser tests need it there."
fi
echo "setup: ready"
