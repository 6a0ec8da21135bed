"""Every path works without JavaScript: a link to "those services" (a kind of help on the
home page, an audience's kind of help, a cell of the Balanced System®, an area, a need)
leads to a page, made when the site is built, that lists only those services, families'
ways in first; none leads to the directory's filters, which need a script."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Browser, Page

from generator.model import ShownService, build_model
from generator.validate import load_project

from .conftest import ROOT, TODAY

SITE = build_model(load_project(ROOT), TODAY)
BY_ID = {s.id: s for s in SITE.services}
Test = Callable[[ShownService], bool]


@pytest.fixture(scope="module")
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def listed(page: Page, url: str) -> list[str]:
    """The ids of the services a page lists, on every page of the list, in order."""
    found: list[str] = []
    while True:
        page.goto(url)
        found += [i for i in page.locator(".lo-card").evaluate_all(
            "cards => cards.map(c => c.dataset.loId)") if i]  # fmt: skip
        after = page.locator('a[rel="next"]')
        if not after.count():
            return found
        url = urljoin(page.url, after.first.get_attribute("href") or "")


def links(page: Page, url: str, selector: str) -> list[tuple[str, str]]:
    page.goto(url)
    return [
        (a.inner_text().strip(), urljoin(page.url, a.get_attribute("href") or ""))
        for a in page.locator(selector).all()
    ]


def holds_only(page: Page, url: str, test: Test, expected: int | None = None) -> list[str]:
    assert not urlsplit(url).query, f"{url}: a list that needs the directory's filters"
    ids = listed(page, url)
    wrong = [i for i in ids if not test(BY_ID[i])]
    assert not wrong, f"{url} lists {wrong}"
    if expected is not None:
        assert len(ids) == expected, url
    return ids


def test_each_kind_of_help_on_the_home_page_lists_those_services(page: Page, site_url: str) -> None:
    tiles = links(page, site_url, 'ul[aria-labelledby="lo-needs-title"] a')
    kinds = list(SITE.terms.disciplines.values())
    assert len(tiles) == len(kinds) + 1  # and "Every service, A to Z"
    for (text, url), kind in zip(tiles, kinds, strict=False):
        assert text == (kind.plain or kind.name)
        running = [s for s in SITE.running if s.discipline == kind.id]
        ids = holds_only(page, url, lambda s, k=kind.id: s.discipline == k, len(running))
        first = BY_ID[ids[0]]
        assert first.families_can_refer, f"{text}: {first.id} first, which families cannot ask for"


def test_an_audiences_links_to_more_services_list_only_its_services(
    page: Page, site_url: str
) -> None:
    checked = 0
    for audience in SITE.terms.audiences.values():
        url = urljoin(site_url, f"audiences/{audience.id}/")
        for text, target in links(page, url, "main a"):
            path = urlsplit(target).path
            if "/help/" in path or (path.count("/") > 3 and "/audiences/" in path):
                holds_only(page, target, lambda s, a=audience.id: a in s.audiences)
                checked += 1
            assert "services/?" not in target, f"{audience.id}: {text} needs JavaScript"
    assert checked >= 1


def test_areas_needs_and_grid_cells_each_have_a_list_of_their_own(
    page: Page, site_url: str
) -> None:
    directory = urljoin(site_url, "services/")
    for _text, url in links(page, directory, ".lo-browse a"):
        path = urlsplit(url).path.strip("/").split("/")
        kind, term = path[-2], path[-1]
        test: Test = {
            "help": lambda s, t=term: s.discipline == t,
            "areas": lambda s, t=term: t in s.areas,
            "needs": lambda s, t=term: t in s.needs,
        }[kind]
        holds_only(page, url, test, len([s for s in SITE.running if test(s)]))
    for text, url in links(page, urljoin(site_url, "balanced-system/"), "main a"):
        path = urlsplit(url).path.strip("/").split("/")
        if len(path) == 3 and path[0] == "balanced-system":
            holds_only(page, url, lambda s, p=path: p[1] in s.strands and p[2] in s.levels)
        assert "services/?" not in url, f"{text} needs JavaScript"


def test_a_shared_my_list_link_says_plainly_what_to_do_without_javascript(
    page: Page, site_url: str
) -> None:
    first = SITE.running[0]
    page.goto(urljoin(site_url, f"my-list/?services={first.id}"))
    said = page.locator("main").inner_text()
    assert "Your list needs JavaScript" in said
    assert "after “services=”" in said
    example = page.locator(".lo-shortlist-nojs a", has_text=first.name)
    ids = listed(page, urljoin(page.url, example.get_attribute("href") or ""))
    assert page.locator("h1").inner_text() == first.name and not ids


def test_the_home_search_box_leads_to_lists_of_services_without_javascript(
    page: Page, site_url: str
) -> None:
    page.goto(site_url)
    page.fill("#lo-home-q", "speech")
    page.locator("#lo-home-search button").click()
    page.wait_for_url("**/search/?q=speech")
    assert "Search needs JavaScript" in page.locator("main").inner_text()
    choices = [a.get_attribute("href") or "" for a in page.locator("main .lo-browse a").all()]
    terms = SITE.terms
    assert len(choices) == len(terms.disciplines) + len(terms.areas) + len(terms.needs)
    kind = next(iter(terms.disciplines.values()))
    url = urljoin(page.url, choices[0])
    holds_only(page, url, lambda s: s.discipline == kind.id, len([
        s for s in SITE.running if s.discipline == kind.id]))  # fmt: skip


def test_a_parents_page_leads_with_what_a_family_can_use_now_and_stays_short(
    browser: Browser, site_url: str
) -> None:
    """The parents' page listed four referral-only specialist services before the advice
    line, and was 16.5 phone screens long.

    Its length is measured from the top of the page to the end of its <main> (the header
    above it included): the footer, which lists every page of the site, is the same on
    every page and is not what this page makes a family scroll through to find help."""
    families = [a for a in SITE.terms.audiences.values() if a.plain_words and a.reading != "child"]
    assert families
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for audience in families:
        page.goto(urljoin(site_url, f"audiences/{audience.id}/"))
        ids = page.locator(".lo-card").evaluate_all("cs => cs.map(c => c.dataset.loId)")
        mine = SITE.for_audience(audience.id)["services"]
        expected = [s.id for _, group in SITE.by_discipline(mine) for s in group[:3]]
        assert ids == expected
        assert BY_ID[ids[0]].families_can_refer and BY_ID[ids[0]].levels[0] == "universal"
        main = page.locator("main")
        assert main.count() == 1
        screens = main.evaluate("m => m.getBoundingClientRect().bottom + scrollY") / 844
        assert screens < 12, f"{audience.id}: {screens:.1f} phone screens"
    context.close()
