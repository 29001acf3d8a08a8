from __future__ import annotations

import json
from pathlib import Path

from loaders.dataset_format import DatasetFile

DOCS = Path(__file__).parents[2] / "docs"


def test_the_published_json_schema_matches_the_format() -> None:
    published = json.loads((DOCS / "dataset.schema.json").read_text(encoding="utf-8"))
    assert published == DatasetFile.model_json_schema(), (
        "docs/dataset.schema.json is stale: regenerate it with "
        "`ctg validate --print-schema > docs/dataset.schema.json`"
    )


def test_the_format_page_shows_the_worked_example_verbatim() -> None:
    page = (DOCS / "dataset-format.md").read_text(encoding="utf-8")
    example = (DOCS / "examples" / "dataset-example.yaml").read_text(encoding="utf-8")
    assert example.strip() in page
