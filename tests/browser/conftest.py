"""Browser-test support, for every section's end-to-end tests: Debian Chromium driven by Playwright.

Use ``browser_page`` (a fresh desktop page) or ``phone_page`` (390 px wide, touch), ``login(page,
live_server, username)`` and ``screenshot(page, name)`` (PNG in artifacts/, git-ignored). Mark the
tests ``@pytest.mark.browser``. Playwright's own browser download does not work on these machines,
so we launch /usr/bin/chromium (``make browser-deps`` installs it with a CJK font).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in the test thread; Django would then refuse ORM calls
# made by the test itself (fixtures, assertions) as "async-unsafe". They are not concurrent here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"
TEST_PASSWORD = "pw-for-tests-1234"  # what tests.conftest.make_user sets
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (make browser-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _page(chromium: Any, **options: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # checked by assert_no_js_errors
    yield page
    context.close()


@pytest.fixture
def browser_page(chromium: Any) -> Iterator[Any]:
    """A desktop-sized page in a fresh browser context (no cookies)."""
    yield from _page(chromium, viewport=DESKTOP)


@pytest.fixture
def phone_page(chromium: Any) -> Iterator[Any]:
    """A phone-sized page (390 × 844, touch, 2× pixels) in a fresh browser context."""
    yield from _page(chromium, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)


def login(page: Any, live_server: Any, username: str, password: str = TEST_PASSWORD) -> None:
    """Log in through the real login form and wait for the landing page."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/accounts/login/" not in page.url, f"login as {username} failed"


def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def assert_no_js_errors(page: Any) -> None:
    assert not page.js_errors, page.js_errors
