"""The built sample site in real headless Chromium: accessibility, privacy, phones, keyboard.

Uses the session fixtures of conftest.py: ``sample_site`` (the built site) and ``site_url``
(where it is served on 127.0.0.1 with the site's Content-Security-Policy, so every test runs
under it). Every page is loaded once, in one pass (``visits``); the privacy and console
tests then read what that pass recorded (axe runs in tests/test_accessible.py).

Under that policy ``wait_for_function`` must be given arrow functions: Playwright evaluates
a bare expression string with eval, which the policy rightly blocks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

#: Every rule axe runs by default: WCAG 2.0, 2.1 and 2.2 A and AA, and best practice (every
#: page is checked so at two widths by tests/test_accessible.py).
AXE_OPTIONS = {"resultTypes": ["violations"]}
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    yield context
    context.close()


@dataclass
class Visit:
    """What happened while one page was loaded and checked."""

    path: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    document_cookie: str = ""


@pytest.fixture(scope="session")
def visits(browser: Browser, site_url: str, page_paths: list[str]) -> dict[str, object]:
    """Load every page once in a fresh context, recording requests and errors."""
    context = browser.new_context()
    page = context.new_page()
    results: list[Visit] = []
    # Listen on the context so requests made by workers (Material's search) are seen too.
    context.on("request", lambda request: results[-1].requests.append(request.url))
    page.on(
        "console",
        lambda msg: msg.type == "error" and results[-1].console_errors.append(msg.text),
    )
    page.on("pageerror", lambda error: results[-1].console_errors.append(f"uncaught: {error}"))
    for path in page_paths:
        results.append(Visit(path))
        page.goto(site_url + path, wait_until="load")
        results[-1].document_cookie = page.evaluate("document.cookie")
    cookies = context.cookies()
    context.close()
    return {"pages": results, "cookies": cookies}


def test_search_is_the_sites_own(context: BrowserContext, site_url: str) -> None:
    """Material's search (its dialog and its whole-site index, loaded on every page) is
    replaced by the site's search page, which loads nothing until someone searches."""
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(site_url, wait_until="load")
    assert page.locator('[data-md-component="search"]').count() == 0
    assert page.get_by_role("search").get_by_label("Search for a service").count() == 1
    assert [url for url in fetched if "search" in url or "pagefind" in url] == []


def test_no_third_party_requests_and_no_cookies(visits: dict, site_url: str) -> None:
    own_host = urlsplit(site_url).netloc
    elsewhere = [
        f"{visit.path or '/'}: {url}"
        for visit in visits["pages"]
        for url in visit.requests
        if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != own_host
    ]
    assert not elsewhere, "requests to other hosts:\n" + "\n".join(elsewhere)
    assert visits["cookies"] == []
    assert [v.path for v in visits["pages"] if v.document_cookie] == []


def test_no_console_errors(visits: dict) -> None:
    errors = [
        f"{visit.path or '/'}: {message}"
        for visit in visits["pages"]
        for message in visit.console_errors
    ]
    assert not errors, "console errors:\n" + "\n".join(errors)


def _service_page(page_paths: list[str]) -> str:
    services = [p for p in page_paths if p.startswith("services/") and p != "services/"]
    assert services, "the sample site has no service pages"
    return services[0]


_DRAWER_ON_SCREEN = (
    "() => { const r = document.querySelector('.md-sidebar--primary').getBoundingClientRect();"
    " return r.left >= 0 && r.right > 0; }"
)


def _has_no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_phone_layout_fits_and_navigation_opens(
    browser: Browser, site_url: str, page_paths: list[str]
) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        for path in ["", _service_page(page_paths)]:
            page.goto(site_url + path, wait_until="load")
            assert _has_no_sideways_scroll(page), f"{path or '/'} scrolls sideways at 360px"
        menu = page.get_by_role("button", name="Menu")
        assert menu.is_visible(), "no menu button at phone width"
        menu.click()
        page.wait_for_function(_DRAWER_ON_SCREEN, timeout=5000)
        assert page.locator(".md-sidebar--primary .md-nav__link").first.is_visible()
        # By keyboard too: Escape closes the menu; Enter on the button reopens it and
        # puts focus on a visible link inside it.
        page.keyboard.press("Escape")
        page.wait_for_function(f"() => !({_DRAWER_ON_SCREEN})()", timeout=5000)
        menu.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(_DRAWER_ON_SCREEN, timeout=5000)
        page.wait_for_function(
            "() => document.querySelector('.md-sidebar--primary').contains(document.activeElement)"
        )
        box = page.evaluate("document.activeElement.getBoundingClientRect().toJSON()")
        assert box["left"] >= 0 and box["right"] <= PHONE["width"], box
    finally:
        context.close()


def test_first_tab_is_skip_link_to_main_content(context: BrowserContext, site_url: str) -> None:
    page = context.new_page()
    page.goto(site_url, wait_until="load")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({text: document.activeElement.textContent.trim(),"
        " href: document.activeElement.getAttribute('href')})"
    )
    assert focused["text"] == "Skip to content", focused
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash !== ''")
    target_in_main = page.evaluate(
        "document.querySelector('main').contains(document.getElementById(location.hash.slice(1)))"
    )
    assert target_in_main, f"skip link target {focused['href']} is not in <main>"
    # Focus navigation now starts at the target: the next Tab stays inside the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('.md-content').contains(document.activeElement)")


def test_404_page_has_heading_and_link_home(context: BrowserContext, site_url: str) -> None:
    page = context.new_page()
    page.goto(site_url + "404.html", wait_until="load")
    headings = page.locator("article h1")
    assert headings.count() == 1
    assert "not found" in headings.inner_text().lower()
    links = page.eval_on_selector_all("article a[href]", "els => els.map(a => a.href)")
    assert site_url in links, f"no link to {site_url} in {links}"
