"""Real browser tests: Playwright for Python driving Debian's chromium against a live server.

Without chromium the tests skip with the reason; in CI (``CI=true``) a missing browser is an
error, never a skip. Screenshots for the user guide are written where
``RELANCE_SCREENSHOTS`` points (``make screenshots`` sets it to docs/images).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("RELANCE_CHROMIUM", "/usr/bin/chromium")
# Playwright's synchronous API runs an event loop in this thread; the tests still call the
# ORM between browser steps, which Django would otherwise refuse in an "async context".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _missing_browser() -> str | None:
    if not Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is None:
        return f"chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _missing_browser()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 860}, locale="fr-FR"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Any, name: str) -> None:
    """Save a screenshot for the user guide when asked to (never during a plain test run)."""
    folder = os.environ.get("RELANCE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


def axe_violations(page: Any) -> list[str]:
    """Accessibility problems axe-core finds on the page (WCAG 2.1 A and AA rules)."""
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            "resultTypes": ["violations"],
        },
    )
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} × "
        f"{violation['nodes'][0]['target']})"
        for violation in results.response["violations"]
    ]


def sign_in(page: Any, email: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/o/**")
