"""The directory's filters on a 390 by 844 phone (issue 21, "the phone first"; the GOV.UK
"filter a list" pattern), in Chromium on the built sample:

- the filters fold behind one Filter button (aria-expanded, aria-controls), so the results
  come first; it opens them in place, and a wide screen shows them as ever;
- the count of services, the results' heading, is in view after every change, and is said
  once a change (not at every press of an arrow key in a drop-down);
- changes replace the history entry, so Back leaves the directory in one step, while the
  address keeps the choices;
- "Show services" moves focus to the results' heading;
- with no choice made, the directory states the total.

What should match is worked out from the data (``matching`` in test_find.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from .conftest import ROOT
from .test_find import answered, choose, matching, services_of, unfold

PHONE: ViewportSize = {"width": 390, "height": 844}
WIDE: ViewportSize = {"width": 1280, "height": 800}

#: Changes a parent makes one after another, each narrowing the list.
CHANGES = [
    {"age": "4"},
    {"area": "southend"},
    {"level": "universal"},
    {"self": "yes"},
    {"cost": "free"},
]

#: '' when the element is wholly on screen and nothing covers it (a header or bar that
#: sticks to the top of the screen, or anything else); else why not. Checked at its top
#: edge, its centre and its bottom edge.
IN_VIEW = """(selector) => {
  const el = document.querySelector(selector);
  const box = el.getBoundingClientRect();
  if (!box.width || !box.height) return selector + ' has no size';
  if (box.top < 0 || box.bottom > innerHeight)
    return `${selector} is at ${Math.round(box.top)}-${Math.round(box.bottom)} px, `
      + `not within 0-${innerHeight}`;
  const x = box.left + box.width / 2;
  for (const y of [box.top + 1, box.top + box.height / 2, box.bottom - 1]) {
    const hit = document.elementFromPoint(x, y);
    if (!hit || !(el === hit || el.contains(hit)))
      return `${selector} is covered at ${Math.round(y)} px by `
        + (hit ? hit.tagName.toLowerCase() + '.' + hit.className : 'nothing');
  }
  return '';
}"""

#: Every text the live region is given, as it is given (a screen reader says each).
LISTEN = """() => {
  window.__said = [];
  new MutationObserver(records => records.forEach(() =>
    window.__said.push(document.getElementById('lo-said').textContent))
  ).observe(document.getElementById('lo-said'),
             {childList: true, characterData: true, subtree: true});
}"""

#: Counts each time focus leaves an element for nothing (the page's body).
LOSSES = """() => {
  window.__lost = 0;
  document.addEventListener('focusout', e => { if (!e.relatedTarget) window.__lost++; });
}"""


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


def directory(page: Page, site_url: str) -> None:
    page.goto(site_url + "services/", wait_until="load")
    answered(page)


def settled(page: Page, expected: list[str]) -> str:
    """Wait for the count of ``expected`` services (not an earlier answer); return it."""
    start = f"{len(expected)} service" if expected else "No services match"
    page.wait_for_function(
        "s => document.getElementById('lo-count').textContent.startsWith(s)", arg=start
    )
    return answered(page)


def test_the_filter_button_folds_and_unfolds_the_filters(phone: Page, site_url: str) -> None:
    page = phone
    directory(page, site_url)
    assert page.get_by_role("button", name="Filter", exact=True).count() == 1
    button = page.locator("#lo-filter-button")
    panel = page.locator("#lo-filters")
    assert button.get_attribute("aria-controls") == "lo-filters"
    assert button.get_attribute("aria-expanded") == "false" and panel.is_hidden()
    # The results come first: the count and the first service on the first screen.
    assert page.evaluate(IN_VIEW, "#lo-count") == ""
    first = page.locator("#lo-listing .lo-card").first.bounding_box()
    assert first and first["y"] < PHONE["height"]
    box = button.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44  # 2.5.8, and thumbs
    # Opens in place, and folds again, by pointer and by keyboard; focus stays on it.
    button.click()
    assert button.get_attribute("aria-expanded") == "true" and panel.is_visible()
    assert page.evaluate("document.activeElement.id") == "lo-filter-button"
    page.keyboard.press("Space")
    assert button.get_attribute("aria-expanded") == "false" and panel.is_hidden()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true" and panel.is_visible()
    assert page.evaluate("document.activeElement.id") == "lo-filter-button"
    # The button says how many choices hold while the filters are folded.
    page.locator("#lo-area").select_option("essex")
    answered(page)
    button.click()
    assert panel.is_hidden()
    page.get_by_role("button", name="Filter (1 chosen)", exact=True).wait_for()
    # No sideways scrolling at 320 px with the filters open.
    button.click()
    page.set_viewport_size({"width": 320, "height": 640})
    assert panel.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_a_wide_screen_shows_the_filters_and_a_narrowed_one_keeps_focus_in_them(
    browser: Browser, site_url: str
) -> None:
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    try:
        directory(page, site_url)
        assert page.locator("#lo-filter-button").is_hidden()
        assert page.locator("#lo-filters").is_visible()
        # The window made narrow while a filter has focus: the filters stay open around it.
        page.locator("#lo-cost").focus()
        page.set_viewport_size(PHONE)
        page.wait_for_function(
            "() => document.getElementById('lo-filter-button').ariaExpanded === 'true'"
        )
        assert page.locator("#lo-filters").is_visible()
        assert page.evaluate("document.activeElement.id") == "lo-cost"
    finally:
        context.close()


def test_the_count_stays_in_view_and_is_said_once_a_change(phone: Page, site_url: str) -> None:
    page = phone
    services = services_of(ROOT)
    directory(page, site_url)
    unfold(page)
    page.evaluate(LISTEN)
    chosen: dict[str, str] = {}
    for n, change in enumerate(CHANGES, start=1):
        choose(page, **change)
        chosen |= change
        text = settled(page, matching(services, **chosen))
        assert page.evaluate(IN_VIEW, "#lo-count") == "", chosen
        page.wait_for_function("n => window.__said.length >= n", arg=n)
        said = page.evaluate("window.__said")
        assert len(said) == n and said[-1].strip() == text, said
    # Arrow keys in a drop-down change it at each press: the answer is said once, at the end.
    page.locator("#lo-age").focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    chosen["age"] = page.locator("#lo-age").input_value()
    assert chosen["age"] == "7"
    text = settled(page, matching(services, **chosen))
    assert page.evaluate(IN_VIEW, "#lo-count") == ""
    page.wait_for_function("n => window.__said.length >= n", arg=len(CHANGES) + 1)
    said = page.evaluate("window.__said")
    assert len(said) == len(CHANGES) + 1 and said[-1].strip() == text, said
    assert page.get_attribute("#lo-said", "role") == "status"


def test_back_leaves_the_directory_in_one_step_and_the_address_keeps_the_choices(
    phone: Page, site_url: str
) -> None:
    page = phone
    services = services_of(ROOT)
    page.goto(site_url, wait_until="load")
    directory(page, site_url)
    entries = page.evaluate("history.length")
    unfold(page)
    chosen: dict[str, str] = {}
    for change in CHANGES[:4]:
        choose(page, **change)
        chosen |= change
        count = settled(page, matching(services, **chosen))
    assert page.evaluate("history.length") == entries
    assert {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()} == chosen
    # A shared link opens the same list.
    shared = page.context.new_page()
    shared.goto(page.url, wait_until="load")
    assert answered(shared) == count
    assert shared.locator("#lo-filter-button").get_attribute("aria-expanded") == "false"
    shared.close()
    page.go_back(wait_until="load")
    assert page.url == site_url


def test_show_services_moves_focus_to_the_results_heading(phone: Page, site_url: str) -> None:
    page = phone
    services = services_of(ROOT)
    directory(page, site_url)
    unfold(page)
    choose(page, area="thurrock")
    text = settled(page, matching(services, area="thurrock"))
    page.evaluate(LOSSES)
    page.get_by_role("button", name="Show services").click()
    page.wait_for_function("() => document.activeElement.id === 'lo-count'")
    heading = page.get_by_role("heading", name=text, exact=True)
    assert heading.get_attribute("tabindex") == "-1"
    assert heading.evaluate("h => h.tagName") == "H2"
    # On a phone the filters fold away once shown, and focus is never lost on the way.
    assert page.locator("#lo-filter-button").get_attribute("aria-expanded") == "false"
    assert page.evaluate("window.__lost") == 0
    assert page.evaluate(IN_VIEW, "#lo-count") == ""
    # By keyboard: the heading is focused, in view, and visibly marked.
    page.locator("#lo-filter-button").focus()
    page.keyboard.press("Enter")
    page.locator("#lo-self").focus()
    page.keyboard.press("Space")
    text = settled(page, matching(services, area="thurrock", self="yes"))
    page.get_by_role("button", name="Show services").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'lo-count'")
    assert page.inner_text("#lo-count") == text
    assert page.evaluate(IN_VIEW, "#lo-count") == ""
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Tab")  # on to the first result
    assert page.evaluate("document.activeElement.closest('#lo-results') !== null")


def test_the_unfiltered_directory_states_the_total(phone: Page, site_url: str) -> None:
    page = phone
    services = services_of(ROOT)
    total = f"{len(matching(services))} services"
    directory(page, site_url)
    assert page.get_by_role("heading", name=total, exact=True).is_visible()
    unfold(page)
    choose(page, cost="free")
    settled(page, matching(services, cost="free"))
    page.get_by_role("link", name="Clear all choices").click()
    page.wait_for_function("t => document.getElementById('lo-count').textContent === t", arg=total)
    assert urlsplit(page.url).query == ""
    assert page.locator("#lo-listing").is_visible()


def test_without_javascript_nothing_is_folded_away(browser: Browser, site_url: str) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site_url + "services/", wait_until="load")
        # No button that cannot work, no filters that cannot (the A to Z pages reach every
        # service), and the listing says how many there are.
        assert page.locator("#lo-filter-button").is_hidden()
        assert page.locator("#lo-filters").is_hidden()
        total = len(matching(services_of(ROOT)))
        assert page.locator("#lo-listing").inner_text().count(f"{total} services") >= 1
    finally:
        context.close()
