"""Families find help: the home page's first screen, the directory's filters, the A to Z
listing without JavaScript, and search, in Chromium on the built sample and on a
generated county of 5,000 services (``county_site`` in conftest.py).

What a filter or a search should find is worked out here from the data, independently of
the index the site searches.
"""

from __future__ import annotations

import functools
import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request

from generator.model import ShownService, build_model
from generator.validate import load_project

from .conftest import ROOT, TODAY

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=PHONE)
    yield context
    context.close()


def services_of(root: Path) -> list[ShownService]:
    return build_model(load_project(root), TODAY).services


def matching(services: list[ShownService], **chosen: str) -> list[str]:
    """The ids of the services that match every choice, by the data alone: a fact nobody
    gave (ages, cost) matches no choice, services that are not running only when asked
    for (``closed="yes"``), and "you can contact it yourself" only services for families."""
    closed = chosen.pop("closed", "") == "yes"

    def fits(s: ShownService) -> bool:
        low = 0 if s.min_age is None else s.min_age
        high = 25 if s.max_age is None else s.max_age
        known = s.min_age is not None or s.max_age is not None
        free = s.cost is not None and re.match(r"(free|no charge|no cost|nothing)\b", s.cost, re.I)
        tests = {
            "age": lambda v: known and low <= int(v) <= high,
            "area": lambda v: v in s.areas,
            "type": lambda v: v == s.discipline,
            "need": lambda v: v in s.needs,
            "level": lambda v: v in s.levels,
            "delivery": lambda v: v in s.delivery,
            "self": lambda v: v == "yes" and s.access.self_referral and s.families_can_refer,
            "cost": lambda v: s.cost is not None and bool(free) == (v == "free"),
        }
        running = s.status == "active"
        return (running or closed) and all(tests[key](value) for key, value in chosen.items())

    return sorted(s.id for s in services if fits(s))


def answered(page: Page) -> str:
    """Wait until the count has its answer (not the "Finding…" placeholder); return it."""
    page.wait_for_function(
        "() => { const c = document.getElementById('lo-count');"
        " return c && c.textContent && !c.textContent.endsWith('…'); }"
    )
    return page.locator("#lo-count").inner_text()


def listed(page: Page) -> list[str]:
    """The ids of every service the results hold, after pressing "Show more" until done."""
    more = page.locator("#lo-more")
    while more.is_visible():
        before = page.locator("#lo-results .lo-card").count()
        more.click()
        page.wait_for_function(
            f"() => document.querySelectorAll('#lo-results .lo-card').length > {before}"
        )
    return page.locator("#lo-results .lo-card[data-lo-id]").evaluate_all(
        "cards => cards.map(c => c.dataset.loId)"
    )


def choose(page: Page, **chosen: str) -> None:
    unfold(page)
    for key, value in chosen.items():
        if key in ("self", "cost", "closed"):
            page.locator(f"#lo-{key}").check()
        else:
            page.locator(f"#lo-{key}").select_option(value)


def unfold(page: Page) -> None:
    """Open the filters where they are folded behind the Filter button (a narrow screen)."""
    button = page.locator("#lo-filter-button")
    if button.is_visible() and button.get_attribute("aria-expanded") == "false":
        button.click()
    page.locator("#lo-filters").wait_for(state="visible")


# --- the home page ---------------------------------------------------------------------


def test_home_first_phone_screen_offers_ways_to_find_help(
    context: BrowserContext, site_url: str
) -> None:
    page = context.new_page()
    page.goto(site_url, wait_until="load")
    project = load_project(ROOT)
    entries = [page.get_by_role("searchbox", name="Search for a service, a need or a place")]
    entries += [
        page.get_by_role("link", name=a.name, exact=True) for a in project.vocabularies.audiences
    ]
    entries += [
        page.get_by_role("link", name=d.plain or d.name, exact=True)
        for d in project.vocabularies.disciplines
    ]
    for entry in entries:
        box = entry.first.bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], entry
    # The home page's search leads to the search page, with the question asked.
    page.get_by_role("searchbox").first.fill("stammer")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=stammer$"))
    assert "result" in answered(page)


def test_a_kind_of_help_on_the_home_page_lists_those_services_and_narrows_them(
    context: BrowserContext, site_url: str
) -> None:
    """The home page's kinds of help lead to a list made at build time (so they work
    without a script: tests/test_no_script.py), which links to the directory's filters."""
    page = context.new_page()
    page.goto(site_url, wait_until="load")
    discipline = load_project(ROOT).vocabularies.disciplines[0]
    page.get_by_role("link", name=discipline.plain or discipline.name, exact=True).click()
    expected = matching(services_of(ROOT), type=discipline.id)
    ids = page.locator("main .lo-card").evaluate_all("cs => cs.map(c => c.dataset.loId)")
    assert sorted(ids) == expected
    page.get_by_role("link", name="Narrow this list by age, area or cost").click()
    page.wait_for_url(f"**/services/?type={discipline.id}", wait_until="load")
    assert answered(page).startswith(f"{len(expected)} services match")
    assert sorted(listed(page)) == expected
    assert page.locator("#lo-type").input_value() == discipline.id


# --- the directory ---------------------------------------------------------------------

COMBINATIONS = [
    {"area": "southend"},
    {"area": "southend", "self": "yes"},
    {"age": "7", "type": "physiotherapy"},
    {"age": "3", "area": "essex", "level": "universal", "cost": "free"},
    {"need": "stammering", "delivery": "online"},
    {"age": "25", "area": "thurrock", "type": "occupational-therapy", "self": "yes"},
    {"type": "physiotherapy", "closed": "yes"},
    {"closed": "yes"},
]


@pytest.mark.parametrize(
    "chosen", COMBINATIONS, ids=lambda c: "&".join(f"{k}={v}" for k, v in c.items())
)
def test_filters_list_exactly_the_matching_services(
    context: BrowserContext, site_url: str, chosen: dict[str, str]
) -> None:
    expected = matching(services_of(ROOT), **chosen)
    page = context.new_page()
    page.goto(site_url + "services/", wait_until="load")
    choose(page, **chosen)
    page.get_by_role("button", name="Show services").click()
    count = answered(page)
    if expected:
        assert count.startswith(f"{len(expected)} service")
    else:
        assert count.startswith("No services match")
    assert sorted(listed(page)) == expected
    assert page.locator("#lo-listing").is_hidden()
    # The choices are in the address: reloading it (or sharing it) gives the same list.
    query = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}
    assert query == chosen
    page.reload(wait_until="load")
    assert answered(page) == count
    assert sorted(listed(page)) == expected


def test_filters_by_keyboard_keep_one_history_entry(context: BrowserContext, site_url: str) -> None:
    services = services_of(ROOT)
    page = context.new_page()
    page.goto(site_url, wait_until="load")
    page.goto(site_url + "services/", wait_until="load")
    assert answered(page) == f"{len(matching(services))} services"  # the total
    # Keyboard only: open the filters, Tab to the area choice, pick with the arrow keys.
    page.locator("#lo-filter-button").focus()
    page.keyboard.press("Enter")
    assert page.locator("#lo-filter-button").get_attribute("aria-expanded") == "true"
    page.locator("#lo-age").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "lo-area"
    page.keyboard.press("ArrowDown")  # the first area
    area = page.locator("#lo-area").input_value()
    assert area
    first = answered(page)
    assert first.startswith(f"{len(matching(services, area=area))} service")
    page.locator("#lo-self").focus()
    page.keyboard.press("Space")
    both = matching(services, area=area, self="yes")
    page.wait_for_function(
        f"() => document.getElementById('lo-count').textContent.startsWith('{len(both)} ')"
    )
    assert sorted(listed(page)) == both
    assert parse_qs(urlsplit(page.url).query) == {"area": [area], "self": ["yes"]}
    # The changes replaced the directory's history entry: Back leaves it in one step.
    page.go_back(wait_until="load")
    assert page.url == site_url


def test_without_javascript_the_listing_reaches_every_service(
    browser: Browser, sample_site: Path, site_url: str
) -> None:
    reached = crawl_listing(browser, site_url)
    assert reached == sorted(s.id for s in services_of(ROOT))


def crawl_listing(browser: Browser, site_url: str) -> list[str]:
    """Follow the A to Z pages with JavaScript off; the service ids their cards link to,
    and those listed apart as not running (each once, and only there)."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "services/", wait_until="load")
    assert page.locator("#lo-filters").is_hidden()  # no controls that cannot work
    found: set[str] = set()
    apart: list[str] = []
    while True:
        links = page.locator(".lo-card h3 a").evaluate_all("links => links.map(a => a.href)")
        found |= {urlsplit(href).path.rstrip("/").rsplit("/", 1)[1] for href in links}
        links = page.locator("ul.lo-not-running a").evaluate_all("a => a.map(a => a.href)")
        apart += [urlsplit(href).path.rstrip("/").rsplit("/", 1)[1] for href in links]
        following = page.locator('.lo-pages a[rel="next"]')
        if not following.count():
            break
        # Open the next page and wait for it (a click only waits for the navigation to
        # start, and the old page's links could be read again).
        page.goto(urljoin(page.url, following.get_attribute("href") or ""), wait_until="load")
    context.close()
    assert not found & set(apart) and len(apart) == len(set(apart))
    return sorted(found | set(apart))


# --- search ----------------------------------------------------------------------------


def search(page: Page, site_url: str, words: str) -> list[str]:
    """Search by keyboard from the search page; the hrefs of the results, in order."""
    page.goto(site_url + "search/", wait_until="load")
    box = page.get_by_role("searchbox", name="Search for a service, a need or a place")
    box.focus()
    page.keyboard.type(words)
    page.keyboard.press("Enter")
    answered(page)
    return page.locator("#lo-results .lo-card h2 a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )


def service_id(href: str) -> str | None:
    match = re.search(r"/services/([^/]+)/$", href)
    return match.group(1) if match else None


def test_search_finds_needs_by_the_words_families_use(
    context: BrowserContext, site_url: str
) -> None:
    services = {s.id: s for s in services_of(ROOT)}
    page = context.new_page()
    for words, need in [
        ("autism", "social-communication"),
        ("autistic", "social-communication"),
        ("stutter", "stammering"),
        ("stammer", "stammering"),
    ]:
        found = [service_id(h) for h in search(page, site_url, words)]
        with_need = {i for i, s in services.items() if need in s.needs}
        assert with_need and with_need <= set(found), words
        count = page.locator("#lo-count").inner_text()
        assert re.match(rf"{len(found)} results? for “{words}”", count), count


def test_search_ranks_self_referral_in_the_asked_for_area_first(
    context: BrowserContext, site_url: str
) -> None:
    assert_area_ranking(
        context.new_page(), site_url, services_of(ROOT), "speech therapy southend", "southend"
    )
    assert_area_ranking(context.new_page(), site_url, services_of(ROOT), "Grays", "thurrock")


def assert_area_ranking(
    page: Page, site_url: str, services: list[ShownService], words: str, area: str
) -> None:
    by_id = {s.id: s for s in services}
    found = [by_id[i] for i in map(service_id, search(page, site_url, words)) if i]
    assert found, words

    def rank(s: ShownService) -> int:
        if s.status != "active":
            return 3  # not running: last of all
        if area not in s.areas:
            return 2
        return 0 if s.families_can_refer else 1

    ranks = [rank(s) for s in found]
    assert ranks[0] == 0, words
    assert ranks == sorted(ranks), f"{words}: {[(s.id, rank(s)) for s in found]}"


def test_search_results_are_reached_by_tab(context: BrowserContext, site_url: str) -> None:
    page = context.new_page()
    hrefs = search(page, site_url, "physiotherapy")
    assert len(hrefs) >= 2
    # After a search, focus is on the count (read out), and the results follow it.
    assert page.evaluate("document.activeElement.id") == "lo-count"
    reached = []
    for _ in range(6):  # each card also has its "Add to my list" button
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href')")
        if href:
            reached.append(href)
        if len(reached) == 2:
            break
    assert reached == hrefs[:2]
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(hrefs[1]) + "$"))


# --- at a county's size ----------------------------------------------------------------


def first_load_bytes(site: Path, page: Path) -> int:
    """A page's first visit, gzip-compressed as a static host serves it: its HTML and the
    CSS and JavaScript it links (nothing else loads until the visitor asks). Also the
    benchmark's cross-check of the browser's figure over every page (bench/run.py)."""
    html = page.read_text(encoding="utf-8")
    size = len(gzip.compress(html.encode()))
    for ref in re.findall(r'(?:href|src)="([^"]+\.(?:css|js))"', html):
        asset = (page.parent / ref).resolve()
        assert asset.is_relative_to(site.resolve()) and asset.is_file(), ref
        size += _gzipped(asset)
    return size


@functools.lru_cache(maxsize=256)
def _gzipped(asset: Path) -> int:
    """Every page links the same few files: each is compressed once, not once a page."""
    return len(gzip.compress(asset.read_bytes()))


def test_county_every_page_is_at_most_100_kb_on_first_load(county_site: Path) -> None:
    pages = sorted(county_site.glob("**/index.html"))
    assert len(pages) > 5000
    heaviest = max(pages, key=lambda p: first_load_bytes(county_site, p))
    assert first_load_bytes(county_site, heaviest) <= 100 * 1024, heaviest


def test_county_first_search_transfers_at_most_300_kb(browser: Browser, county_url: str) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(county_url + "search/", wait_until="load")
    requests: list[Request] = []
    context.on("requestfinished", lambda request: requests.append(request))
    box = page.get_by_role("searchbox", name="Search for a service, a need or a place")
    box.fill("speech therapy southend")
    box.press("Enter")
    answered(page)
    page.wait_for_load_state("networkidle")
    assert page.locator("#lo-results .lo-card").count() >= 20
    fetched = {r.url: len(gzip.compress(r.response().body())) for r in requests}
    context.close()
    assert any("pagefind" in url for url in fetched)
    assert sum(fetched.values()) <= 300 * 1024, fetched


def test_no_page_declares_a_sort_order_for_search(sample_site: Path) -> None:
    """The search page ranks what Pagefind finds itself and asks it for no sort order, so
    no page declares one: Pagefind would put every page's number in the index's metadata,
    which every first search fetches (13 KB of its 52 KB at 5,000 services)."""
    pages = [p.read_bytes() for p in sorted(sample_site.glob("**/index.html"))]
    assert any(b"data-pagefind-meta" in page for page in pages)  # the cards' facts are there
    assert not [page for page in pages if b"data-pagefind-sort" in page]


def test_county_filters_and_ranking(browser: Browser, county_url: str, county_root: Path) -> None:
    services = services_of(county_root)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    for chosen in [
        {"area": "thurrock", "type": "physiotherapy", "age": "4"},
        {"need": "stammering", "self": "yes", "cost": "free"},
    ]:
        expected = matching(services, **chosen)
        page.goto(county_url + "services/?" + "&".join(f"{k}={v}" for k, v in chosen.items()))
        assert answered(page).startswith(f"{len(expected)} service")
        assert sorted(listed(page)) == expected
    assert_area_ranking(page, county_url, services, "speech therapy southend", "southend")
    context.close()


def test_county_listing_without_javascript_reaches_every_service(
    browser: Browser, county_url: str, county_root: Path
) -> None:
    assert crawl_listing(browser, county_url) == sorted(s.id for s in services_of(county_root))
