"""Real Chromium (Debian's package) driven by Playwright against the live test server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("GARRISON_CHROMIUM", "/usr/bin/chromium"))
# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run beside a loop unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is missing at {CHROMIUM}; `make test` installs Debian's chromium package")
        pytest.skip(f"no Chromium at {CHROMIUM} (run `make test`, which installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.console_errors = errors

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            errors.append(msg.text)

    page.on("console", on_console)
    yield page
    context.close()
