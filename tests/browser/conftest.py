"""A real Chromium (Debian's, driven by Playwright) and a review server on a finished run.

The browser tests skip only when /usr/bin/chromium is not installed (`make setup` installs it
from tools/apt-packages.txt); a missing Python `playwright` is an error, since it is a dev
dependency.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cleaner.review.server import ReviewServer
from cleaner.review.state import ReviewState

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (Debian package `chromium`; `make setup` installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    yield tab
    context.close()
    assert errors == [], f"the page raised errors or opened dialogs: {errors}"


@pytest.fixture
def serve() -> Iterator[Callable[[Path], ReviewServer]]:
    """Start review servers on run folders; all are stopped at the end of the test."""
    servers: list[ReviewServer] = []

    def start(out_dir: Path) -> ReviewServer:
        server = ReviewServer(ReviewState(out_dir))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
