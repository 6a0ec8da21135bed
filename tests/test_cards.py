"""Every list that shows a service shows the same facts, in families' words; a service page
puts its call, email and web actions first. (Part of the "families find help" issue.)"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page

from generator import search
from generator.model import build_model
from generator.pipeline import check
from generator.search import record

from .conftest import MINIMAL, TODAY, write_project


def text(page: bytes) -> str:
    """A generated page as a reader sees it: its body (after the front matter, which
    holds what the theme draws around it), tags gone, references read."""
    body = re.sub(r"\A---\n.*?\n---\n", "", page.decode(), count=1, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def summary(page: bytes) -> dict[str, str]:
    """The facts of a page's summary lists (``<dt>`` and ``<dd>``): {label: text}, each
    label once on the page."""
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page.decode())
    labels = [text(label.encode()) for label, _ in pairs]
    assert len(set(labels)) == len(labels), labels
    return {label: text(value.encode()) for label, (_, value) in zip(labels, pairs, strict=True)}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = write_project(tmp_path)
    path = root / "data" / "services.yaml"
    data = yaml.safe_load(path.read_text())
    data["services"][0].update(description="Talk to a therapist by phone. Ask anything at all.")
    for fact in ("min_age", "max_age", "cost"):  # facts nobody gave: the cards say to ask
        del data["services"][0][fact]
    data["services"][1].update(summary="Therapy for children who stammer, near home.")
    data["services"][1]["access"]["referral_form"] = "https://www.example.org/refer"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return root


def test_directory_and_audience_cards_show_the_same_facts(root: Path) -> None:
    pages = check(root, TODAY).pages
    for name in ("services/index.md", "audiences/parents.md"):
        shown = text(pages[name])
        assert "Talk to a therapist by phone." in shown  # first sentence as the one line
        assert "Ask anything" not in shown
        assert "Therapy for children who stammer, near home." in shown  # its summary
        for fact in (
            "Who for: Parents and carers; ages: ask the service",
            "Areas: Essex",
            "Cost: Ask the service",
            "Refer yourself: Yes",
            "Who for: 2 to 18 years; Parents and carers",
            "Cost: Free",
            "Refer yourself: No",
        ):
            assert fact in shown, (name, fact)


def test_a_service_that_stopped_is_never_called_defunct(root: Path) -> None:
    path = root / "data" / "services.yaml"
    data = yaml.safe_load(path.read_text())
    data["services"][0]["status"] = "defunct"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    pages = check(root, TODAY).pages  # (the open data keeps Open Referral's own word)
    assert "No longer running" in text(pages["services/advice-line.md"])
    assert "no longer running" in text(pages["services/index.md"])
    for name, page in pages.items():
        assert name.endswith(".json") or "defunct" not in text(page).lower(), name


def test_a_service_page_opens_with_its_actions(root: Path) -> None:
    page = text(check(root, TODAY).pages["services/stammering-clinic.md"])
    actions = page.index("Email stammering@example.org")
    assert actions < page.index("Therapy for children who stammer")  # before the description
    assert "Visit the website of Stammering clinic" in page
    assert "Referral form the referral form for Stammering clinic" in page
    facts = summary(check(root, TODAY).pages["services/stammering-clinic.md"])
    assert facts["Referral form"] == "the referral form for Stammering clinic"
    assert "https://www.example.org/stammering" not in page  # no raw address as link text


def test_status_words_cover_every_status() -> None:
    project = check(MINIMAL, TODAY).project
    words = {
        status: build_model(project, TODAY).services[0].model_copy(update={"status": status})
        for status in ("active", "inactive", "temporarily closed", "defunct")
    }
    assert [s.status_words for s in words.values()] == [
        None,
        "Not running at the moment",
        "Closed for now",
        "No longer running",
    ]


def test_families_pages_name_terms_in_plain_words_and_professionals_see_the_terms() -> None:
    from .conftest import ROOT

    pages = check(ROOT, TODAY).pages
    parents = text(pages["audiences/parents-and-carers.md"])
    professionals = text(pages["audiences/professionals.md"])
    assert "Help with talking and understanding; Help for every child" in parents
    assert "Help for every child: You can use it without a referral." in parents
    assert "Help for every child" not in professionals
    assert "Speech and language therapy; Universal" in professionals
    grid = text(pages["balanced-system.md"])
    assert "Universal (Help for every child)" in grid


def test_a_service_page_states_its_cards_facts_by_the_cards_names() -> None:
    """A service's page and its card say each fact the same way, under the same name."""
    from .conftest import ROOT

    built = check(ROOT, TODAY)
    site = build_model(built.project, TODAY)
    for service in site.services:
        card = record(site, service).card()
        facts = summary(built.pages[f"services/{service.id}.md"])
        for key, label in (("who", "Who for"), ("areas", "Areas"), ("self", "Refer yourself")):
            assert facts[label] == card[key], (service.id, label)
        if service.is_running:
            assert facts["Cost"] == card["cost"], service.id
            assert facts.get("Opening times") == card.get("open"), service.id
        else:  # no way to get it, so no cost and no opening times
            assert "Cost" not in facts and "Opening times" not in facts, service.id
        assert "Ages" not in facts  # the card's "Who for" says them


# --- one card: made by one macro, filled from one set of facts ----------------------------


class _Cards(HTMLParser):
    """Each service card of a page (``data-lo-id``) as {slot: text}, and the slots named in
    its card ``<template>`` (``data-card``, ``data-card-if``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cards: dict[str, dict[str, str]] = {}
        self.slots: set[str] = set()
        self._template = self._card = ""
        self._slot: list[str] = []  # the slot being read, and its element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = {k: v or "" for k, v in attrs}
        if tag == "template":
            self._template = given.get("id", "")
        elif self._template:
            self.slots |= {given[k] for k in ("data-card", "data-card-if") if k in given}
        elif "data-lo-id" in given:
            self._card = given["data-lo-id"]
            self.cards[self._card] = {}
        elif self._card and "data-card" in given:
            self._slot = [given["data-card"], tag]
            self.cards[self._card][self._slot[0]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._template = ""
        elif self._slot and tag == self._slot[1]:
            self._slot = []

    def handle_data(self, data: str) -> None:
        if self._slot:
            self.cards[self._card][self._slot[0]] += data


def _cards(page: bytes) -> _Cards:
    reader = _Cards()
    reader.feed(page.decode())
    return reader


def test_the_card_template_has_a_slot_for_every_fact_and_a_fact_for_every_slot() -> None:
    """The card's facts (``search.ServiceEntry.card``: the cards JSON, the search record) and
    the slots of the card ``<template>`` the scripts fill are the same names; and every
    card a page makes shows exactly its facts, each in its slot."""
    from .conftest import ROOT

    built = check(ROOT, TODAY)
    site = build_model(built.project, TODAY)
    facts = {s.id: record(site, s).card() for s in site.services}
    named = set().union(*facts.values()) - {"id"}  # the id is the card's, not a slot's
    assert {"status", "stale"} <= named  # the sample has closed and out-of-date services
    for name in ("services/index.md", "search.md", "my-list.md"):
        assert _cards(built.pages[name]).slots == named, name
    shown = _cards(built.pages["services/index.md"]).cards
    assert shown
    for id_, slots in shown.items():
        assert slots == {k: v for k, v in facts[id_].items() if k != "id"}, id_
    cards = json.loads(built.pages[search.CARDS_FILE.format(n=0)])
    assert cards == [facts[s.id] for s in site.open_first(site.services)][: search.SHARD]


#: A card's text as a reader gets it, less the "Add to my list" control shortlist.js adds
#: and My list's contact actions and button: each of its elements, with its own text.
_CARD_TEXT = """cards => cards.map(card => {
  const copy = card.cloneNode(true);
  copy.querySelectorAll('.lo-shortlist-control, ul.lo-actions').forEach(n => n.remove());
  return [copy.dataset.loId || copy.dataset.loItem, [...copy.querySelectorAll('*')].map(
    n => n.tagName.replace(/^H\\d$/, 'H') + ' ' + n.textContent.replace(/\\s+/g, ' ').trim())];
})"""


def _texts(page: Page, selector: str) -> dict[str, list[str]]:
    return dict(page.locator(selector).evaluate_all(_CARD_TEXT))


@pytest.fixture
def page(browser: Browser, site_url: str) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_the_scripts_cards_are_the_pages_cards(page: Page, site_url: str) -> None:
    """The directory's filter results, search results and My list are the card the pages
    make (the A to Z list), element for element and word for word, closed services too."""
    page.goto(site_url + "services/?closed=yes", wait_until="load")
    page.wait_for_function("() => document.getElementById('lo-count').textContent.endsWith('.')")
    while page.locator("#lo-more").is_visible():
        before = page.locator("#lo-results .lo-card").count()
        page.locator("#lo-more").click()
        page.wait_for_function(
            f"() => document.querySelectorAll('#lo-results .lo-card').length > {before}"
        )
    made = _texts(page, "#lo-results .lo-card")
    server = _texts(page, "#lo-listing .lo-card")  # running services only, 50 a page
    assert len(made) == 25 and server and set(server) < set(made)
    for id_, text in server.items():
        assert made[id_] == text, id_
    closed = page.locator("#lo-results .lo-card[data-lo-closed]").evaluate_all(
        "cards => cards.map(c => c.dataset.loId)"
    )
    assert closed and not set(closed) & set(server)
    assert all("Closed" in " ".join(made[i]) or "running" in " ".join(made[i]) for i in closed)

    ids = list(made)[:3] + closed[:1]
    page.goto(f"{site_url}my-list/?services={','.join(ids)}", wait_until="load")
    page.wait_for_function(
        f"() => document.querySelectorAll('.lo-shortlist-item').length === {len(ids)}"
    )
    assert _texts(page, ".lo-shortlist-item") == {i: made[i] for i in ids}

    name = page.locator(".lo-shortlist-item h3").first.inner_text()
    page.goto(site_url + "search/?q=" + name.replace(" ", "+"), wait_until="load")
    page.wait_for_function("() => document.querySelector('#lo-results .lo-card[data-lo-id]')")
    found = _texts(page, "#lo-results .lo-card[data-lo-id]")
    assert found[ids[0]] == made[ids[0]]
