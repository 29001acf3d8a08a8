"""The type checker of the test command refuses a Cypher query built from a plain ``str``.

mypy reads ``LiteralString`` as ``str``; basedpyright, run by scripts/test.sh with the
settings of pyproject.toml, does not. This test type-checks the probes of
tests/typecheck/ with those same settings: the spliced query must be refused where it is
passed to the driver, and the version that maps the caller's word through a table of
literals must pass, so the rule is shown to bite without forbidding the accepted way.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PROBES = ROOT / "tests" / "typecheck"
REJECTED = PROBES / "literal_string_probe.py"
CLEAN = PROBES / "literal_string_clean.py"
_BASEDPYRIGHT = (sys.executable, "-m", "basedpyright", "--pythonpath", sys.executable)


def _marked_line(path: Path, marker: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.endswith(marker))


def _diagnostics() -> list[dict[str, Any]]:
    # From the project root so that basedpyright reads [tool.basedpyright] of pyproject.toml,
    # and with this interpreter's packages (not only a .venv beside it) so neo4j is typed.
    result = subprocess.run(
        [*_BASEDPYRIGHT, "--outputjson", str(REJECTED), str(CLEAN)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)
    assert report["summary"]["filesAnalyzed"] == 2, result.stdout
    diagnostics: list[dict[str, Any]] = report["generalDiagnostics"]
    return diagnostics


def test_a_query_spliced_from_a_str_fails_and_a_mapped_one_passes() -> None:
    found = [
        (Path(d["file"]).name, d["range"]["start"]["line"] + 1, d.get("rule"), d["message"])
        for d in _diagnostics()
        if d["severity"] == "error"
    ]

    [(file, line, rule, message)] = found
    assert (file, line, rule) == (
        REJECTED.name,
        _marked_line(REJECTED, "# <- rejected"),
        "reportArgumentType",
    )
    assert '"str" is not assignable to "LiteralString"' in message
