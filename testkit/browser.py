"""Debian's Chromium driven by Playwright (sync API), for the explorer's tests and its
benchmark.

No browser is downloaded: Playwright launches ``/usr/bin/chromium`` (installed by
``scripts/setup.sh --with-browser``, which scripts/test.sh runs) with the flags this
machine needs — without the background-networking ones, Chromium keeps trying hosts the
closed network refuses.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Browser, Playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextlib.contextmanager
def chromium(playwright: Playwright) -> Iterator[Browser]:
    """Headless Chromium launched through ``playwright``, closed on exit (also on failure).

    Raises :class:`FileNotFoundError` when Chromium is not installed, saying how to
    install it.
    """
    if not CHROMIUM.exists():
        raise FileNotFoundError(
            f"{CHROMIUM} is missing: run scripts/test.sh (or scripts/setup.sh "
            "--with-browser), which installs Debian's chromium"
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
    try:
        yield browser
    finally:
        browser.close()
