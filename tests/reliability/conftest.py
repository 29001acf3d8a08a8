"""The reliability suite (docs/reliability.md): faults, hostile input, load.

Every test here talks to a real Neo4j and most to a real API over HTTP; they reuse the
fixtures of ``tests/conftest.py`` and ``tests/e2e/conftest.py``. Tests that need to stop
or kill Neo4j start their **own** throwaway server, never the session's.
"""

from __future__ import annotations

from tests.e2e.conftest import api  # noqa: F401 (a fixture, re-exported for this folder)
