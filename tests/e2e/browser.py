"""What the explorer's tests do in the page and read from its pixels; the browser itself
is launched by :mod:`testkit.browser`.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, ConsoleMessage, FloatRect, Page

from domain.resources import PROJECT_ROOT

#: Where the tests keep their screenshots (git-ignored).
SHOTS = PROJECT_ROOT / "test-output" / "explorer"

#: Where a node is drawn on the page, from the explorer's own canvas (window.explorer).
NODE_POSITION = """id => {
  const node = explorer.graph.node(id);
  const at = node.renderedPosition();
  const box = document.getElementById('cy').getBoundingClientRect();
  return {x: box.left + at.x, y: box.top + at.y};
}"""


@contextmanager
def watched_page(browser: Browser, name: str, *, full_page: bool = False) -> Iterator[Page]:
    """A fresh 1280×800 French page, screenshotted as ``<name>-last.png`` at the end; the
    test fails if the console logs an error."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="fr-FR", accept_downloads=True
    )
    opened = context.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text} ({message.location})")

    opened.on("console", on_console)
    opened.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    try:
        yield opened
        SHOTS.mkdir(parents=True, exist_ok=True)
        opened.screenshot(path=SHOTS / f"{name}-last.png", full_page=full_page)
    finally:
        context.close()
    assert not errors, "the browser console logged errors:\n" + "\n".join(errors)


def wait_idle(page: Page) -> None:
    """Until the explorer has no request under way and has drawn what it received."""
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#cy-wrap[aria-busy=false]", state="attached")


def node_item_id(page: Page, text: str) -> str:
    """The global id of the node listed with this text in "Nodes shown"."""
    item = page.locator("#node-list li", has_text=text).first
    item.wait_for()
    value = item.get_attribute("data-id")
    assert value is not None
    return value


def double_click_node(page: Page, node_id: str) -> None:
    """Double-click a node where the canvas draws it, as a user would."""
    page.evaluate("id => explorer.graph.centreOn(id)", node_id)
    page.wait_for_timeout(350)  # the centring animation
    at = page.evaluate(NODE_POSITION, node_id)
    page.mouse.dblclick(at["x"], at["y"])


def node_luminance(page: Page, node_id: str, radius: int = 6) -> float:
    """Mean luminance (0 black – 255 white) of the pixels at the centre of a drawn node."""
    at = page.evaluate(NODE_POSITION, node_id)
    clip: FloatRect = {
        "x": at["x"] - radius,
        "y": at["y"] - radius,
        "width": 2 * radius,
        "height": 2 * radius,
    }
    return mean_luminance(page.screenshot(clip=clip))


def normalise_spaces(text: str) -> str:
    """French number formats use narrow no-break spaces; tests compare plain spaces."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def mean_luminance(png: bytes) -> float:
    """Mean luminance of an 8-bit RGB or RGBA PNG (what Chromium's screenshots are)."""
    width, height, pixels, channels = _decode_png(png)
    total = 0.0
    for y in range(height):
        row = pixels[y]
        for x in range(width):
            r, g, b = row[x * channels : x * channels + 3]
            total += 0.2126 * r + 0.7152 * g + 0.0722 * b
    return total / (width * height)


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _decode_png(png: bytes) -> tuple[int, int, list[bytes], int]:
    width, height = png_size(png)
    bit_depth, colour_type, _, _, interlace = png[24:29]
    assert bit_depth == 8, "unexpected PNG bit depth"
    assert colour_type in (2, 6), "unexpected PNG colour type"
    assert interlace == 0, "unexpected interlaced PNG"
    channels = 4 if colour_type == 6 else 3
    data = b""
    at = 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        if png[at + 4 : at + 8] == b"IDAT":
            data += png[at + 8 : at + 8 + length]
        at += 12 + length
    raw = zlib.decompress(data)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]  # the scanline's filter
        line = bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            up_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[i] = (line[i] + predictor) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows, channels
