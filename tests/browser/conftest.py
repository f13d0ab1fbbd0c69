"""A real Chromium (Debian's package) driven by Playwright against Django's live server."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; Django's ORM guard must allow it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (make test installs it with apt-get as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh page; `page.base_url` is the live server's address."""
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.base_url = live_server.url
    yield pg
    context.close()


@pytest.fixture
def login(page):  # type: ignore[no-untyped-def]
    """login(user) signs `user` in through the real login form (password 'matkhau123')."""

    def sign_in(user) -> None:  # type: ignore[no-untyped-def]
        page.goto(page.base_url + "/dang-nhap/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", "matkhau123")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert page.url == page.base_url + "/", page.url

    return sign_in
