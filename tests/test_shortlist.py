"""'Keep and print' (part of the "families find help" issue), in real Chromium under the
site's Content-Security-Policy: the "Add to my list" buttons, the "My list" page, shared
links, and how pages print.

The list lives in the visitor's browser only, and only once they ask: every test starts
from a fresh browser context (empty storage) and checks what is stored, not just what is
shown. Uses the session fixtures of conftest.py (``sample_site``, ``site_url``,
``browser``); as there, ``wait_for_function`` is given arrow functions only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page

from generator.model import build_model
from generator.pipeline import check
from generator.search import record

from .conftest import ROOT, TODAY, serve
from .test_browser import AXE_OPTIONS

ADD = "Add to my list"
REMOVE = "Remove from my list"


@pytest.fixture
def context(site_url: str, browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser (empty storage). The site is built before Chromium starts."""
    context = browser.new_context()
    yield context
    context.close()


def stored(page: Page) -> dict[str, str]:
    """Everything the site keeps in the browser's localStorage."""
    return page.evaluate(
        "() => Object.fromEntries(Object.keys(localStorage).map(k => [k, localStorage[k]]))"
    )


def listed(page: Page) -> list[str]:
    """The ids kept in the list (the one storage key holds them, as JSON)."""
    values = list(stored(page).values())
    assert len(values) <= 1, values
    return json.loads(values[0]) if values else []


def cards(page: Page) -> list[tuple[str, str]]:
    """(id, name) of each service card on the page, in order."""
    return page.eval_on_selector_all(
        ".lo-card[data-lo-id]",
        "cards => cards.map(c => [c.dataset.loId, c.querySelector('h3, h2').textContent.trim()])",
    )


def open_list(page: Page, url: str, expected: int) -> list[str]:
    """Open the "My list" page at ``url`` and wait for its services; their names."""
    page.goto(url, wait_until="load")
    page.wait_for_function(
        f"() => document.querySelectorAll('.lo-shortlist-item').length === {expected}"
        " && !document.querySelector('.lo-shortlist-items').hasAttribute('aria-busy')"
    )
    return page.eval_on_selector_all(
        ".lo-shortlist-item h3", "hs => hs.map(h => h.textContent.trim())"
    )


def add_two(page: Page, site_url: str) -> list[tuple[str, str]]:
    """Add the first and third services of the directory with their buttons."""
    page.goto(site_url + "services/", wait_until="load")
    chosen = [cards(page)[0], cards(page)[2]]
    for id_, name in chosen:
        page.get_by_role("button", name=f"{ADD} ({name})", exact=True).click()
        label = page.locator(f".lo-shortlist-toggle[data-lo-id='{id_}'] .lo-shortlist-label")
        assert label.inner_text() == REMOVE
    return chosen


def service_with_web() -> str:
    services = yaml.safe_load((ROOT / "data" / "services.yaml").read_text())["services"]
    return next(s["id"] for s in services if s.get("contact", {}).get("web"))


def test_nothing_is_stored_until_a_button_is_pressed(
    context: BrowserContext, site_url: str
) -> None:
    page = context.new_page()
    for path in ["", "services/", "services/busy-hands-programme/", "my-list/", ""]:
        page.goto(site_url + path, wait_until="load")
        assert page.evaluate("localStorage.length") == 0, f"{path or '/'} stored something"
    page.goto(site_url + "services/", wait_until="load")
    # The buttons are there (so the page was really looked at with the script running).
    assert page.locator(".lo-shortlist-toggle").count() == len(cards(page)) > 0
    assert page.evaluate("localStorage.length") == 0


def test_two_services_added_in_the_directory_are_on_my_list_after_a_reload(
    context: BrowserContext, site_url: str
) -> None:
    page = context.new_page()
    chosen = add_two(page, site_url)
    assert listed(page) == [i for i, _ in chosen]
    page.reload(wait_until="load")
    for _, name in chosen:
        assert page.get_by_role("button", name=f"{REMOVE} ({name})", exact=True).count() == 1
    names = open_list(page, site_url + "my-list/", 2)
    assert names == [n for _, n in chosen]
    assert page.locator(".lo-shortlist-count").inner_text() == "2 services in your list"
    # Each service with its call and email actions, and a link to its own page.
    first = page.locator(".lo-shortlist-item").first
    assert first.locator("ul.lo-actions a[href^='tel:']").count() == 1
    link = first.locator("h3 a").get_attribute("href")
    assert link == f"../services/{chosen[0][0]}/", link


def test_a_shared_link_shows_the_list_in_another_browser_without_storing_it(
    browser: Browser, context: BrowserContext, site_url: str
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    chosen = add_two(page, site_url)
    names = open_list(page, site_url + "my-list/", 2)
    page.get_by_role("button", name="Copy link to this list").click()
    page.wait_for_function(
        "() => document.querySelector('.lo-shortlist-status').textContent.startsWith('Link copied')"
    )
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == f"{site_url}my-list/?services={chosen[0][0]},{chosen[1][0]}"
    assert page.get_by_label("Link to this list").input_value() == link  # to copy by hand

    fresh = browser.new_context()
    try:
        other = fresh.new_page()
        assert open_list(other, link + ",no-such-service,../../etc", 2) == names
        assert other.evaluate("localStorage.length") == 0
        assert (
            "2 services in this link could not be found"
            in other.locator(".lo-shortlist-unknown").inner_text()
        )
        # Someone else's list: nothing to remove or clear, but it can be saved.
        assert other.get_by_role("button", name=REMOVE).count() == 0
        assert not other.get_by_role("button", name="Clear my list").is_visible()
        other.get_by_role("button", name="Save these services to my list").click()
        other.wait_for_function("() => localStorage.length === 1")
        assert listed(other) == [i for i, _ in chosen]
        assert other.evaluate("location.search") == ""
        other.wait_for_function(
            "() => document.querySelector('.lo-shortlist-count').textContent"
            " === '2 services in your list'"
        )
    finally:
        fresh.close()


def test_clearing_the_list_empties_storage(context: BrowserContext, site_url: str) -> None:
    page = context.new_page()
    # Added from a service's own page this time.
    page.goto(site_url + "services/busy-hands-programme/", wait_until="load")
    page.get_by_role("button", name=f"{ADD} (Busy Hands", exact=False).click()
    assert listed(page) == ["busy-hands-programme"]
    open_list(page, site_url + "my-list/", 1)
    page.get_by_role("button", name="Clear my list").click()
    page.wait_for_function("() => localStorage.length === 0")
    page.wait_for_function(
        "() => document.querySelectorAll('.lo-shortlist-item').length === 0"
        " && document.querySelector('.lo-shortlist-count').textContent === 'Your list is empty'"
    )
    assert page.evaluate("document.activeElement.className") == "lo-shortlist-count"


def test_removing_the_last_service_removes_the_key(context: BrowserContext, site_url: str) -> None:
    page = context.new_page()
    chosen = add_two(page, site_url)
    names = open_list(page, site_url + "my-list/", 2)
    page.get_by_role("button", name=f"{REMOVE} ({names[0]})", exact=True).click()
    assert listed(page) == [chosen[1][0]]
    assert page.locator(".lo-shortlist-count").inner_text() == "1 service in your list"
    # Focus moves to the next service's button rather than being lost.
    assert page.evaluate("document.activeElement.textContent") == f"{REMOVE} ({names[1]})"
    page.keyboard.press("Enter")
    assert stored(page) == {}
    assert page.locator(".lo-shortlist-count").inner_text() == "Your list is empty"


def test_cards_added_later_by_scripts_get_a_button(context: BrowserContext, site_url: str) -> None:
    page = context.new_page()
    page.goto(site_url + "services/", wait_until="load")
    page.evaluate(
        """() => {
        const box = document.createElement('div');
        const card = document.createElement('div');
        card.className = 'lo-card';
        card.dataset.loId = 'talk-and-play-drop-ins';
        const h = document.createElement('h3');
        h.textContent = 'Talk and play, late';
        card.append(h);
        box.append(card);
        document.querySelector('article').append(box);
        document.dispatchEvent(new CustomEvent('lo:cards', {detail: {container: box}}));
        }"""
    )
    page.get_by_role("button", name=f"{ADD} (Talk and play, late)", exact=True).click()
    assert listed(page) == ["talk-and-play-drop-ins"]
    # The same service's card in the directory (drawn at load) now says so too.
    labels = page.locator(
        ".lo-card[data-lo-id='talk-and-play-drop-ins'] .lo-shortlist-label"
    ).all_inner_texts()
    assert labels == [REMOVE, REMOVE]


def test_the_add_button_works_from_the_keyboard(context: BrowserContext, site_url: str) -> None:
    page = context.new_page()
    page.goto(site_url + "services/", wait_until="load")
    first_id, first_name = cards(page)[0]
    for _ in range(300):  # Tab through the page until the first card's button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('lo-shortlist-toggle')"):
            break
    focused = page.evaluate(
        "() => [document.activeElement.dataset.loId, document.activeElement.textContent]"
    )
    assert focused == [first_id, f"{ADD} ({first_name})"]
    page.keyboard.press("Enter")
    assert listed(page) == [first_id]
    assert page.evaluate("document.activeElement.textContent") == f"{REMOVE} ({first_name})"
    page.keyboard.press("Space")
    assert stored(page) == {}
    assert page.evaluate("document.activeElement.textContent") == f"{ADD} ({first_name})"
    # Changes are announced politely.
    page.wait_for_function(
        "() => [...document.querySelectorAll('[role=status]')]"
        ".some(s => s.textContent.includes('Removed'))"
    )


#: The site's menus, on every page: the header's service navigation and the footer's list
#: of every page and of the pages about the website. None of them prints.
NAVIGATION = [".lo-service-nav", ".lo-footer__nav", ".lo-footer__links"]

#: What is wrong with the header and the footer's contact as they print (the page shown
#: as printed): the header names the service in black on white; the contact shows.
_PRINTED_CHROME = """() => {
  const found = [];
  const shown = el => !!el && el.checkVisibility() && el.getBoundingClientRect().height > 0;
  const name = document.querySelector('header.lo-header .lo-header__name');
  if (!shown(name)) found.push("the service's name does not print");
  else if (getComputedStyle(name).color !== 'rgb(0, 0, 0)')
    found.push("the service's name prints in " + getComputedStyle(name).color);
  const header = getComputedStyle(document.querySelector('header.lo-header'));
  if (!['rgba(0, 0, 0, 0)', 'rgb(255, 255, 255)'].includes(header.backgroundColor))
    found.push('the header prints on ' + header.backgroundColor);
  for (const a of document.querySelectorAll('header.lo-header a'))
    if (shown(a) && getComputedStyle(a).color !== 'rgb(0, 0, 0)')
      found.push(a.textContent.trim() + ' prints in ' + getComputedStyle(a).color);
  if (!shown(document.querySelector('footer .lo-footer__contact')))
    found.push("the footer's contact does not print");
  return found;
}"""


def printed_header_and_contact(page: Page) -> list[str]:
    return page.evaluate(_PRINTED_CHROME)


def test_my_list_prints_as_a_handout(context: BrowserContext, site_url: str) -> None:
    page = context.new_page()
    web = service_with_web()
    open_list(page, f"{site_url}my-list/?services={web},busy-hands-programme", 2)
    hidden = [
        *NAVIGATION,
        ".md-skip",
        ".lo-shortlist-tools",
        ".lo-shortlist-shared",
        ".lo-page-help",
    ]
    missing = [h for h in hidden if page.locator(h).count() == 0]
    assert missing == [], f"not on the page, so their printing proves nothing: {missing}"
    page.emulate_media(media="print")
    for selector in hidden:
        assert not page.locator(selector).first.is_visible(), f"{selector} prints"
    assert printed_header_and_contact(page) == []
    assert page.locator("button:visible").count() == 0
    assert page.locator(".lo-shortlist-item").nth(1).is_visible()
    assert page.locator(".lo-print-only").first.is_visible()  # the site's name and the date
    first = page.locator(".lo-shortlist-item").first
    assert first.locator("a[href^='tel:']").is_visible()
    # The web address is printed after its link; phone and email links are left alone.
    after = first.locator("ul.lo-actions a").evaluate_all(
        "links => links.map(a => [a.href, getComputedStyle(a, '::after').content])"
    )
    kinds = sorted(href.split(":")[0] for href, _ in after)
    assert kinds == ["https", "mailto", "tel"], after
    for href, content in after:
        expected = f'" ({href})"' if href.startswith("https:") else "none"
        assert content == expected, (href, content)
    colour = page.evaluate("getComputedStyle(document.querySelector('.lo-shortlist-item a')).color")
    assert colour == "rgb(0, 0, 0)"


#: Each item's text as it prints: what shows on paper, and the web addresses print.css
#: writes after links (generated content, which innerText leaves out).
_PRINTED = """items => items.map(item => [item.dataset.loItem, [item.innerText,
  ...[...item.querySelectorAll('a')].map(a => getComputedStyle(a, '::after').content)
    .filter(c => c.startsWith('"')).map(c => JSON.parse(c))].join(' ')])"""


def test_my_list_prints_what_each_service_is_and_how_to_get_and_reach_it(
    context: BrowserContext, site_url: str
) -> None:
    """On paper each service says what it is, who it is for, how to get it (the route, and
    whether you can refer yourself), when it is open, and its phone, email and web address
    as text: the facts of its card, the same words every list uses."""
    site = build_model(check(ROOT, TODAY).project, TODAY)
    running = [s for s in site.running if s.opening_times]
    chosen = [*running[:3], next(s for s in running if s.contact.web)]
    ids = list(dict.fromkeys(s.id for s in chosen))
    page = context.new_page()
    open_list(page, f"{site_url}my-list/?services={','.join(ids)}", len(ids))
    # On screen, My list shows how to get each service and when; other lists do not.
    assert page.locator(".lo-shortlist-item .lo-card-more").first.is_visible()
    page.emulate_media(media="print")
    printed = dict(page.locator(".lo-shortlist-item").evaluate_all(_PRINTED))
    assert list(printed) == ids
    for service in chosen:
        text = " ".join(printed[service.id].split())
        facts = record(site, service).card()
        wanted = [
            facts["title"],
            facts["line"],  # what it is
            f"Who for: {facts['who']}",
            f"How to get it: {facts['how']}",  # the referral route
            f"Refer yourself: {facts['self']}",
            f"Opening times: {facts['open']}",
        ]
        phone, email, web = service.contact.phone, service.contact.email, service.contact.web
        wanted += [f"Call {phone}"] if phone else []
        wanted += [f"Email {email}"] if email else []
        wanted += [f"({web})"] if web else []  # the address itself, not only its link
        for fact in wanted:
            assert " ".join(fact.split()) in text, (service.id, fact, text)
    # The directory's cards keep them for paper.
    page.emulate_media(media="screen")
    page.goto(site_url + "services/", wait_until="load")
    more = page.locator("#lo-listing .lo-card .lo-card-more").first
    assert not more.is_visible()
    page.emulate_media(media="print")
    assert more.is_visible()


def test_every_page_prints_without_navigation(context: BrowserContext, site_url: str) -> None:
    """On paper a page is its content, under the service's name (the header, black on
    white) and above how to contact the service (the footer's contact): no service
    navigation, breadcrumbs or footer list of pages, which paper cannot follow."""
    page = context.new_page()
    for path in ["", "services/", "services/busy-hands-programme/"]:
        where = path or "/"
        page.goto(site_url + path, wait_until="load")
        # Every menu of the page is on the screen first (breadcrumbs on a deep page only).
        menus = [*NAVIGATION, ".lo-breadcrumbs"] if path.count("/") > 1 else NAVIGATION
        for menu in menus:
            assert page.locator(menu).first.is_visible(), f"{where}: {menu} not on screen"
        page.emulate_media(media="print")
        for menu in [*NAVIGATION, ".lo-breadcrumbs"]:
            assert not page.locator(menu).first.is_visible(), f"{where}: {menu} prints"
        assert page.locator("nav:visible").count() == 0, f"{where}: a navigation prints"
        assert page.locator("button:visible").count() == 0, f"{where}: buttons print"
        assert page.locator("article h1").is_visible()
        assert page.evaluate("getComputedStyle(document.querySelector('article p')).color") == (
            "rgb(0, 0, 0)"
        )
        assert printed_header_and_contact(page) == [], where
        page.emulate_media(media="screen")
        for menu in menus:
            assert page.locator(menu).first.is_visible(), f"{where}: {menu} gone from screen"


def test_without_javascript_no_controls_and_the_list_page_explains(
    browser: Browser, site_url: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "services/", wait_until="load")
        assert page.locator(".lo-card").count() > 0
        assert page.locator(".lo-shortlist-control").count() == 0
        page.goto(site_url + "my-list/?services=busy-hands-programme", wait_until="load")
        assert page.get_by_text("Your list needs JavaScript").is_visible()
        assert page.get_by_role("link", name="directory of services").first.is_visible()
        assert not page.locator("#lo-shortlist").is_visible()
        assert page.locator("article button:visible").count() == 0
    finally:
        context.close()


def test_my_list_passes_axe_with_services_in_it(context: BrowserContext, site_url: str) -> None:
    page = context.new_page()
    add_two(page, site_url)
    axe = Axe()
    problems = []
    visits = [(site_url + "services/", None)]
    visits += [
        (site_url + "my-list/", 2),
        (site_url + "my-list/?services=x,busy-hands-programme", 1),
    ]
    for url, expected in visits:
        if expected is None:
            page.goto(url, wait_until="load")
        else:
            open_list(page, url, expected)
        report = axe.run(page, options=AXE_OPTIONS)
        problems += [
            f"{url}: {v['id']} {v['nodes'][0]['target']}" for v in report.response["violations"]
        ]
    assert not problems, problems


def test_the_list_works_when_the_site_lives_under_a_sub_path(
    browser: Browser, sample_site: Path, tmp_path: Path
) -> None:
    from generator.headers import read_headers

    (tmp_path / "offer").symlink_to(sample_site, target_is_directory=True)
    base, server = serve(tmp_path, read_headers(sample_site))
    context = browser.new_context()
    try:
        page = context.new_page()
        chosen = add_two(page, base + "offer/")
        assert list(stored(page)) == ["lo-shortlist:/offer/"]
        view = page.get_by_role("link", name="View my list").first
        assert view.get_attribute("href") == "../my-list/"
        view.click()
        names = open_list(page, page.url, 2)
        assert names == [n for _, n in chosen]
    finally:
        context.close()
        server.shutdown()
        server.server_close()


def test_a_closed_service_on_a_list_shows_its_status_and_offers_no_contact(
    context: BrowserContext, site_url: str
) -> None:
    """A service kept on a list (or shared) before it closed stays on it, marked closed,
    with none of its call, email and web actions."""
    page = context.new_page()
    names = open_list(page, f"{site_url}my-list/?services=hydrotherapy-sessions", 1)
    assert names == ["Hydrotherapy sessions"]
    item = page.locator(".lo-shortlist-item")
    assert "Closed for now" in item.inner_text()
    assert item.locator("a[href^='tel:'], a[href^='mailto:']").count() == 0
    assert "Refer yourself: No: the service is not running" in " ".join(item.inner_text().split())
