"""Render an annotated article's text as a PDF with a text layer: the set's PDF layout.

    .venv/bin/python tests/data/drafts/make_pdf.py bassin-de-brive-ctg-2021

writes ``tests/data/drafts/<name>/article.pdf`` from the ``article.txt`` beside it (A4, a
Unicode TrueType font embedded so that « », ’ and accents are in the text layer, one line
per source line, wrapped). The PDF is committed: rerun this after editing the text. It is
a rendering of the stored text, not the publisher's own PDF (its source.yaml says so).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parent
#: Debian's DejaVu Sans, for the characters the core PDF fonts lack (« », ’, œ).
FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)
#: A fixed date, so that re-rendering the same text writes the same bytes.
CREATED = datetime(2026, 1, 1, tzinfo=UTC)


def render(text: str, title: str) -> bytes:
    """``text`` as the bytes of an A4 PDF with a text layer."""
    font = next((path for path in FONTS if path.is_file()), None)
    if font is None:
        raise SystemExit(
            f"no DejaVu Sans font in {[str(p) for p in FONTS]}: install fonts-dejavu-core"
        )
    pdf = FPDF(format="A4")
    pdf.set_creation_date(CREATED)
    pdf.set_title(title)
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_font("DejaVu", fname=str(font))
    pdf.add_page()
    pdf.set_font("DejaVu", size=10)
    for line in text.splitlines():
        pdf.multi_cell(0, 5, line or " ", align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def main(names: list[str]) -> None:
    """Render each named article folder's text."""
    if not names:
        raise SystemExit("usage: make_pdf.py ARTICLE-FOLDER…  (e.g. bassin-de-brive-ctg-2021)")
    for name in names:
        folder = HERE / name
        text = (folder / "article.txt").read_text(encoding="utf-8")
        (folder / "article.pdf").write_bytes(render(text, title=name))
        print(f"wrote {folder / 'article.pdf'}")


if __name__ == "__main__":
    main(sys.argv[1:])
