"""Real Chromium against the live test server: each person signs in through the login page.

Playwright drives Debian's own Chromium (``executable_path``); it never downloads a browser.
Set ``PORTAL_SCREENSHOT_DIR`` to keep full-page screenshots of the pages a test names.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import chromium_path

# The password ``tests.factories.UserFactory`` gives every user.
PASSWORD = "correct horse battery staple"
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        # The sync API keeps an event loop running in this thread; the test's own queries
        # between steps run outside it, so Django's guard against async use must stand aside.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True)
            yield browser
            browser.close()


class Visitors:
    """People using the portal at once, each in their own browser context (own cookies)."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []
        # Refused or failed requests and script errors on any page; a walk should end with none.
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        shots = os.environ.get("PORTAL_SCREENSHOT_DIR")
        self.screenshot_dir = Path(shots) if shots else None

    def sign_in(self, username: str, password: str = PASSWORD):
        """Open the front page, follow 登录, type the name and password; return the page."""
        from playwright.sync_api import expect

        context = self.browser.new_context(
            base_url=self.base_url, locale="zh-CN", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("dialog", self._accept)
        page.on("pageerror", lambda error: self.problems.append(f"{username}: {error}"))
        page.on("response", lambda response: self._check(username, response))
        page.goto("/")
        page.get_by_role("banner").get_by_role("link", name="登录").click()
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("main").get_by_role("button", name="登录").click()
        expect(page.get_by_role("banner").get_by_role("button", name="退出")).to_be_visible()
        return page

    def _check(self, username: str, response) -> None:
        if response.status >= 400:
            self.problems.append(f"{username}: {response.status} {response.url}")

    def _accept(self, dialog) -> None:
        """Answer 确定 to a confirmation, as the person would, remembering what it asked."""
        self.dialogs.append(dialog.message)
        dialog.accept()

    def screenshot(self, page, name: str) -> None:
        if self.screenshot_dir is not None:
            self.screenshot_dir.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=self.screenshot_dir / f"{name}.png", full_page=True)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def visitors(browser, live_server, seeded):
    people = Visitors(browser, live_server.url)
    yield people
    people.close()
