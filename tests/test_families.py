"""Families find help on a phone: the Balanced System® grid reads at 320px, no page scrolls
sideways, the children's page is written for 8 to 11-year-olds and for teenagers, a part
each, audience pages list their services first, and the phone menu (the header's service
navigation, behind its Menu button) opens at the header's pages, from a tap or the keyboard.

Uses the session fixtures of conftest.py: ``sample_site`` (the built sample) and
``site_url`` (served with its Content-Security-Policy, so ``wait_for_function`` is given
arrow functions, never bare expressions).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import textstat
from playwright.sync_api import Browser, BrowserContext, Page, expect

from generator.model import ShownService, build_model
from generator.pipeline import check
from generator.routes import look, navigation
from generator.sanitise import encode, url_of

from .conftest import ROOT, TODAY

NARROW = {"width": 320, "height": 640}  # the narrowest phone WCAG 1.4.10 (reflow) asks for
PHONE = {"width": 390, "height": 844}
CHILDREN = "audiences/children-and-young-people/"


@pytest.fixture
def narrow(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=NARROW, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context
    context.close()


def pages_of(site: Path) -> list[str]:
    """Every page of a built site, as a URL path relative to its root."""
    paths = []
    for file in sorted(site.glob("**/index.html")):
        parent = file.parent.relative_to(site).as_posix()
        paths.append("" if parent == "." else parent + "/")
    return [*paths, "404.html"] if (site / "404.html").exists() else paths


def scrolls_sideways(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


# --- the Balanced System® grid ---------------------------------------------------------

#: Each word of the grid's text, with the line each of its pieces sits on. A word broken
#: across two lines has two client rects. Words are split where a line may break: at
#: spaces and after a hyphen ("ten-week" may wrap after "ten-"), never inside a word.
_BROKEN_WORDS = """() => {
  const broken = [];
  let words = 0;
  const walker = document.createTreeWalker(
    document.querySelector('.lo-body'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.closest('.lo-strand')) continue;
    if (!node.parentElement.checkVisibility()) continue;  // not shown: nothing to break
    for (const match of node.data.matchAll(/[^\\s\\u2010-\\u2015-]+[\\u2010-\\u2015-]?/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      words += 1;
      if (rects.length !== 1) broken.push(match[0] + ' (' + rects.length + ' pieces)');
    }
  }
  return {words, broken};
}"""

#: Styles that would cut words: CSS that breaks anywhere, or hyphenates by itself.
_CUTTING_STYLES = """() => [...document.querySelectorAll('.lo-body, .lo-body *')]
  .filter(e => { const s = getComputedStyle(e);
    return s.wordBreak === 'break-all' || s.hyphens === 'auto'
      || (s.overflowWrap === 'anywhere' && e.closest('.lo-strand')); })
  .map(e => e.tagName.toLowerCase() + '.' + e.className)"""


def test_grid_reads_at_320px_with_no_word_broken(narrow: Page, site_url: str) -> None:
    narrow.goto(site_url + "balanced-system/", wait_until="load")
    assert not scrolls_sideways(narrow), "the grid page scrolls sideways at 320px"
    found = narrow.evaluate(_BROKEN_WORDS)
    assert found["words"] > 500, "the grid has hardly any text: is it on the page?"
    assert found["broken"] == [], f"words broken across lines: {found['broken']}"
    assert narrow.evaluate(_CUTTING_STYLES) == []
    # Nothing sticks out of the page's column (a cut-off column would).
    column = narrow.evaluate("document.querySelector('.lo-body').getBoundingClientRect().right")
    wider = narrow.evaluate(
        "(right) => [...document.querySelectorAll('.lo-strand *')]"
        ".filter(e => e.getBoundingClientRect().right > right + 0.5).map(e => e.outerHTML)",
        column,
    )
    assert wider == []


#: The grid as shown: for each strand, each level's heading and its entries' text (or the
#: text of its "No service yet" line).
_GRID = """() => [...document.querySelectorAll('section.lo-strand')].map(section => ({
  strand: section.querySelector('h3').id,
  cells: [...section.querySelectorAll('h4')].map(h4 => {
    const next = h4.nextElementSibling;
    return {level: h4.innerText.trim(),
            entries: next.matches('.lo-grid-services')
              ? [...next.querySelectorAll('.lo-card')].map(card => card.innerText)
              : [next.innerText.trim()]};
  }),
}))"""


def test_grid_lists_every_service_of_every_cell_with_the_directorys_facts(
    browser: Browser, site_url: str, sample_site: Path
) -> None:
    """Each grid entry shows what the directory's card shows but type and level, which its
    section says: one line, who for, areas, cost, self-referral, status, out-of-date."""
    site = build_model(check(ROOT, TODAY).project, TODAY)
    context = browser.new_context(java_script_enabled=False)  # the cards as published
    try:
        page = context.new_page()
        cards: dict[str, list[str]] = {}
        listings = ["services/"] + [p for p in pages_of(sample_site) if "services/page-" in p]
        for path in listings:
            page.goto(site_url + path, wait_until="load")
            for id_, text in page.eval_on_selector_all(
                ".lo-card[data-lo-id]", "els => els.map(e => [e.dataset.loId, e.innerText])"
            ):
                cards[id_] = lines(text)
        assert sorted(cards) == sorted(s.id for s in site.running)  # the rest listed apart
        page.goto(site_url + "balanced-system/", wait_until="load")
        grid = page.evaluate(_GRID)
        assert [g["strand"] for g in grid] == list(site.terms.strands)
        for strand in grid:
            levels = [cell["level"] for cell in strand["cells"]]
            # Level names in families' words too: "Universal (Help for every child)".
            assert levels == [
                f"{t.name} ({t.plain})" if t.plain else t.name for t in site.terms.levels.values()
            ]
            for level, cell in zip(site.terms.levels, strand["cells"], strict=True):
                expected = site.grid[strand["strand"]][level]
                if not expected:
                    assert cell["entries"] == ["No service yet"]
                    continue
                assert len(cell["entries"]) == len(expected), (strand["strand"], level)
                for service, entry in zip(expected, cell["entries"], strict=True):
                    shown, card = lines(entry), cards[service.id]
                    assert shown == [c for c in card if not c.startswith("Type and level:")]
                    assert shown[0] == service.name
                    assert service.one_line in shown
                    assert ("may be out of date" in entry) == service.is_out_of_date
    finally:
        context.close()


def lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


# --- every page at 320px ---------------------------------------------------------------


def test_no_page_scrolls_sideways_at_320px(narrow: Page, site_url: str, sample_site: Path) -> None:
    wide = []
    for path in pages_of(sample_site):
        narrow.goto(site_url + path, wait_until="load")
        if scrolls_sideways(narrow):
            wide.append(
                f"{path or '/'}: "
                + str(narrow.evaluate("document.documentElement.scrollWidth"))
                + "px"
            )
    assert wide == [], "pages wider than a 320px screen:\n" + "\n".join(wide)


# --- the children's page ---------------------------------------------------------------

#: Acronyms (a word of two or more capitals) in the main text that no <abbr title> explains.
_UNEXPLAINED = """() => {
  const found = [];
  const walker = document.createTreeWalker(
    document.querySelector('.lo-body'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.checkVisibility()) continue;
    const abbr = node.parentElement.closest('abbr[title]');
    for (const match of node.data.matchAll(/\\b[A-Z][A-Z0-9]*[A-Z]\\w*/g)) {
      const title = abbr ? abbr.title.trim() : '';
      if (!title || title === match[0]) found.push(match[0]);
    }
  }
  return found;
}"""


#: The children's page's parts, one for each age (``div.lo-for-age``): {heading: text}.
_PARTS = """() => Object.fromEntries([...document.querySelectorAll('.lo-body .lo-for-age')]
  .map(part => [part.querySelector('h2').innerText.trim(), part.innerText]))"""

#: The page's text less one part, as a reader of the others gets it.
_ALL_BUT = """heading => {
  const part = [...document.querySelectorAll('.lo-body .lo-for-age')]
    .find(p => p.querySelector('h2').innerText.trim() === heading);
  part.hidden = true;
  const text = document.querySelector('.lo-body').innerText;
  part.hidden = false;
  return text;
}"""

CHILD, TEEN = "If you are 8 to 11", "If you are 12 or older"


def reading_ease(text: str, at_least: float, reader: str) -> None:
    score = textstat.flesch_reading_ease(text)
    assert score >= at_least, f"{reader}: reading ease {score:.1f}, not {at_least}:\n{text}"


def fits(service: ShownService, low: int, high: int | None) -> bool:
    """Whether a service's ages meet ``low`` to ``high`` (None: no upper end); a service
    that gives no ages fits every reader."""
    start, end = service.min_age, service.max_age
    return (high is None or start is None or start <= high) and (end is None or end >= low)


def test_childrens_page_is_easy_for_an_8_to_11_year_old_and_plain_for_a_teenager(
    browser: Browser, site_url: str
) -> None:
    """Two readers, a part each: what an 8 to 11-year-old reads (all but the teenagers'
    part) reads as easily as before; the part for 12 or older may read older, but is plain
    English (Flesch 60 or more)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site_url + CHILDREN, wait_until="load")
        parts = page.evaluate(_PARTS)
        assert CHILD in parts and TEEN in parts, list(parts)
        reading_ease(parts[CHILD], 80, CHILD)
        reading_ease(page.evaluate(_ALL_BUT, TEEN), 80, "the page for 8 to 11")
        reading_ease(parts[TEEN], 60, TEEN)
        assert page.evaluate(_UNEXPLAINED) == []
        # Each part lists the help whose ages fit its reader, each service linked; every
        # service for children and young people is on the page.
        site = build_model(check(ROOT, TODAY).project, TODAY)
        theirs = site.for_audience("children-and-young-people")["services"]
        assert theirs, "the sample has services for children"
        for heading, low, high in [(CHILD, 8, 11), (TEEN, 12, None)]:
            part = page.locator(".lo-for-age", has=page.get_by_role("heading", name=heading))
            linked = {
                href.rstrip("/").rsplit("/", 1)[-1]
                for href in part.locator("a[href*='services/']").evaluate_all(
                    "links => links.map(a => a.getAttribute('href'))"
                )
            }
            assert linked == {s.id for s in theirs if fits(s, low, high)}, heading
        for service in theirs:
            assert page.locator(f'.lo-body a[href$="services/{service.id}/"]').count() >= 1
    finally:
        context.close()


def test_a_teenager_finds_help_with_handwriting_in_their_own_part(
    phone: BrowserContext, site_url: str
) -> None:
    """The first screen on a phone says what to do first (find your age) and starts the
    list; "12 or older" leads to the help for teenagers, with everyday skills in it."""
    page = phone.new_page()
    page.goto(site_url + CHILDREN, wait_until="load")
    first = page.locator(".lo-for-age a[href*='services/']").first.bounding_box()
    assert first and first["y"] + first["height"] <= PHONE["height"], first
    page.get_by_role("link", name="12 or older", exact=True).click()
    heading = page.get_by_role("heading", name=TEEN)
    page.wait_for_function("() => location.hash === '#age-12-and-over'")
    box = heading.bounding_box()
    assert box and 0 <= box["y"] < PHONE["height"], box
    part = page.locator(".lo-for-age", has=heading)
    assert part.get_by_role("heading", name="Help with everyday skills").count() == 1


def test_the_acronym_check_finds_unexplained_capitals(browser: Browser, site_url: str) -> None:
    """The check above can fail: the professionals' page uses FE and names SENCOs."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site_url + "audiences/schools-settings-and-fe/", wait_until="load")
        assert "FE" in page.evaluate(_UNEXPLAINED)
    finally:
        context.close()


# --- audience pages --------------------------------------------------------------------


def test_audience_pages_list_their_services_before_having_a_say() -> None:
    """What a visitor came for first: how to find help, then having a say, then news."""
    result = check(ROOT, TODAY)
    site = build_model(result.project, TODAY)
    for audience in result.project.vocabularies.audiences:
        page = plain(result.pages[f"audiences/{audience.id}.md"])
        first_service = min(
            page.index(f'href="{s.id}/"') if f'href="{s.id}/"' in page else len(page)
            for s in site.for_audience(audience.id)["services"]
        )
        have_your_say = page.index("<h2>Have your say</h2>")
        assert first_service < have_your_say, audience.id
        news = page.find("<h2>News for you</h2>")
        assert news == -1 or have_your_say < news, audience.id


def plain(page: bytes) -> str:
    """A generated page with its character references read (``&#45;`` is ``-``), and its
    links to service pages written as ``href="ID/"``."""
    from html import unescape

    text = unescape(page.decode())
    return re.sub(r'href="(?:\.\./)+services/([a-z0-9-]+)/"', r'href="\1/"', text)


# --- the phone menu --------------------------------------------------------------------


def header_pages() -> list[str]:
    """The addresses (from the site's root) of the pages the header's service navigation
    lists: the pages of the menu's sections that the header shows, in the menu's order,
    from the menu and the look the generator makes."""
    site = build_model(check(ROOT, TODAY).project, TODAY)
    shown = look(site)["header_sections"]
    return [
        url_of(path)
        for entry in navigation(site)
        for title, items in entry.items()
        if isinstance(items, list) and encode(title) in shown
        for path in items
    ]


#: The open menu's links a person can see, in order: each on the screen, its whole box
#: within the screen's width, and not covered by anything else. What is hit at a link's
#: centre may be a child of it.
_VISIBLE_IN_MENU = """() => [...document.querySelectorAll('nav.lo-service-nav ul a')]
  .filter(a => { const r = a.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.top < 0 || r.bottom > innerHeight
        || r.left < 0 || r.right > innerWidth) return false;
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return top !== null && (a === top || a.contains(top)); })
  .map(a => a.href)"""

#: Everything in the menu's list that takes focus, links or not.
_FOCUSABLE_IN_MENU = """() => [...document.querySelectorAll(
    '#lo-service-nav-list a[href], #lo-service-nav-list button, #lo-service-nav-list input,'
    + ' #lo-service-nav-list select, #lo-service-nav-list [tabindex]')].length"""


def a_service_page(sample_site: Path) -> str:
    services = [p for p in pages_of(sample_site) if re.fullmatch(r"services/[a-z0-9-]+/", p)]
    return next(p for p in services if not p.startswith("services/page-"))


def test_the_header_lists_families_ways_in_and_the_works_lists() -> None:
    """What the phone menu below must show: the directory, search and My list, then the
    lists of the work (timeline, updates and so on), none of them twice."""
    pages = header_pages()
    assert pages[:3] == ["services/", "search/", "my-list/"], pages
    assert "timeline/" in pages and "updates/" in pages, pages
    assert len(set(pages)) == len(pages), pages


@pytest.mark.parametrize("where", ["home", "directory", "service"])
def test_phone_menu_opens_at_the_headers_pages(
    where: str, phone: BrowserContext, site_url: str, sample_site: Path
) -> None:
    """A tap on Menu shows the header's pages, all of them, each whole on the screen at
    390 and at 320 px, and nothing scrolls sideways."""
    path = {"home": "", "directory": "services/", "service": a_service_page(sample_site)}[where]
    wanted = [site_url + p for p in header_pages()]
    page = phone.new_page()
    page.goto(site_url + path, wait_until="load")
    menu = page.get_by_role("button", name="Menu", exact=True)
    listed = page.locator("#lo-service-nav-list")
    assert menu.get_attribute("aria-expanded") == "false" and listed.is_hidden()
    assert page.evaluate(_VISIBLE_IN_MENU) == []
    menu.tap()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(listed).to_be_visible()
    for width in (PHONE, NARROW):
        page.set_viewport_size(width)
        seen = page.evaluate(_VISIBLE_IN_MENU)
        assert seen == wanted, f"at {width['width']} px the open menu shows {seen}, not {wanted}"
        assert not scrolls_sideways(page), f"{path or '/'}: the open menu at {width['width']} px"
    # The menu holds the header's pages and nothing else that takes focus.
    assert page.evaluate(_FOCUSABLE_IN_MENU) == len(wanted)


def test_phone_menu_works_from_the_keyboard(phone: BrowserContext, site_url: str) -> None:
    page = phone.new_page()
    page.goto(site_url + "services/", wait_until="load")
    menu = page.get_by_role("button", name="Menu", exact=True)
    listed = page.locator("#lo-service-nav-list")
    wanted = [site_url + p for p in header_pages()]
    # Tab reaches the button from the top of the page, and no hidden link of the closed
    # menu on the way; past the closed menu, Tab leaves it.
    for _ in range(8):
        page.keyboard.press("Tab")
        assert not page.evaluate("() => !!document.activeElement.closest('#lo-service-nav-list')")
        if page.evaluate("() => document.activeElement.matches('.lo-service-nav__toggle')"):
            break
    expect(menu).to_be_focused()
    assert menu.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Tab")
    assert not page.evaluate("() => !!document.activeElement.closest('nav.lo-service-nav')")
    # Enter opens it, focus stays on the button, and Tab walks its links in order.
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(listed).to_be_visible()
    expect(menu).to_be_focused()
    reached = []
    for _ in wanted:
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.href || ''"))
        assert page.evaluate(
            "() => { const r = document.activeElement.getBoundingClientRect();"
            " return r.width > 0 && r.left >= 0 && r.right <= innerWidth; }"
        ), reached[-1]
    assert reached == wanted
    # Escape, from a link in the menu, closes it and gives focus back to its button.
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(listed).to_be_hidden()
    expect(menu).to_be_focused()
    # Space opens and closes it too.
    page.keyboard.press("Space")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(listed).to_be_visible()
    page.keyboard.press("Space")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(listed).to_be_hidden()
    expect(menu).to_be_focused()
