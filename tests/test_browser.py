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
from playwright.sync_api import Browser, BrowserContext, Page, expect

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


#: The service navigation's links a person can see: each on the screen, its whole box
#: within the screen's width, and not covered by anything else.
_MENU_LINKS_IN_VIEW = """() => [...document.querySelectorAll('nav.lo-service-nav ul a')]
  .filter(a => { const r = a.getBoundingClientRect();
    if (!r.width || !r.height || r.left < 0 || r.right > innerWidth) return false;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== null && (a === hit || a.contains(hit)); })
  .map(a => a.getAttribute('href'))"""


def _has_no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_phone_layout_fits_and_navigation_opens(
    browser: Browser, site_url: str, page_paths: list[str]
) -> None:
    """On a phone the service navigation folds behind its Menu button (GOV.UK's pattern):
    a tap opens it in place, Escape closes it and gives focus back to the button, Enter
    opens it again, and Tab goes on from the button into its links, each on the screen."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        for path in ["", _service_page(page_paths)]:
            page.goto(site_url + path, wait_until="load")
            assert _has_no_sideways_scroll(page), f"{path or '/'} scrolls sideways at 360px"
        menu = page.get_by_role("button", name="Menu", exact=True)
        listed = page.locator("#lo-service-nav-list")
        assert menu.is_visible(), "no menu button at phone width"
        assert menu.get_attribute("aria-controls") == "lo-service-nav-list"
        assert menu.get_attribute("aria-expanded") == "false" and listed.is_hidden()
        hrefs = listed.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert len(hrefs) >= 3, hrefs
        menu.tap()
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(listed).to_be_visible()
        assert page.evaluate(_MENU_LINKS_IN_VIEW) == hrefs
        assert _has_no_sideways_scroll(page), "the open menu scrolls sideways at 360px"
        # By keyboard too: Escape closes the menu and gives focus back to its button;
        # Enter on the button reopens it, and Tab goes on into its links.
        page.keyboard.press("Escape")
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(listed).to_be_hidden()
        expect(menu).to_be_focused()
        page.keyboard.press("Enter")
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(menu).to_be_focused()
        page.keyboard.press("Tab")
        expect(listed.locator("a").first).to_be_focused()
        box = page.evaluate("document.activeElement.getBoundingClientRect().toJSON()")
        assert box["left"] >= 0 and box["right"] <= PHONE["width"], box
    finally:
        context.close()


def test_first_tab_is_skip_link_to_main_content(
    context: BrowserContext, site_url: str, page_paths: list[str]
) -> None:
    """On the home page, and on a deep page whose breadcrumbs sit above <main> (GOV.UK's
    place): the skip link passes the header, the service navigation and the breadcrumbs."""
    page = context.new_page()
    service = _service_page(page_paths)
    for path in ["", service]:
        where = path or "/"
        page.goto(site_url + path, wait_until="load")
        if path == service:
            crumbs = page.locator("nav.lo-breadcrumbs")
            assert crumbs.count() == 1 and crumbs.evaluate("n => !n.closest('main')"), where
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => ({text: document.activeElement.textContent.trim(),"
            " href: document.activeElement.getAttribute('href')})"
        )
        assert focused["text"] == "Skip to content", (where, focused)
        page.keyboard.press("Enter")
        page.wait_for_function("() => location.hash !== ''")
        target_in_main = page.evaluate(
            "document.querySelector('main')"
            ".contains(document.getElementById(location.hash.slice(1)))"
        )
        assert target_in_main, f"{where}: skip link target {focused['href']} is not in <main>"
        # Focus navigation now starts at the target: the next Tab stays inside the content.
        page.keyboard.press("Tab")
        assert page.evaluate("document.querySelector('main').contains(document.activeElement)"), (
            where
        )


def test_404_page_has_heading_and_link_home(context: BrowserContext, site_url: str) -> None:
    page = context.new_page()
    page.goto(site_url + "404.html", wait_until="load")
    headings = page.locator("article h1")
    assert headings.count() == 1
    assert "not found" in headings.inner_text().lower()
    links = page.eval_on_selector_all("article a[href]", "els => els.map(a => a.href)")
    assert site_url in links, f"no link to {site_url} in {links}"
