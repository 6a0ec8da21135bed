"""Search in families' words: the built-in thesaurus (``generator/thesaurus.yaml``), the
words it gives each service's search record, and questions as families ask them, in
Chromium on the sample and on another area's site whose vocabularies have no synonyms.

The services a question should find are chosen here by hand, from the data: any one of
them in the first three results will do.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page

from generator import search
from generator.model import SiteModel, build_model
from generator.pipeline import build_site
from generator.validate import load_project

from .conftest import ROOT, TODAY, served
from .test_find import PHONE, service_id
from .test_find import search as ask

OTHER = Path(__file__).parent / "fixtures" / "other-area"

#: The sample: questions in families' words, and the services that answer them.
TALKING = {
    "speech-and-language-advice-line",
    "talk-and-play-drop-ins",
    "talking-together-groups",
    "language-builders-setting-programme",
    "specialist-speech-and-language-therapy",
}
STAMMERING = {
    "stammering-support-group",
    "speech-and-language-advice-line",
    "specialist-speech-and-language-therapy",
}
HANDS = {
    "busy-hands-programme",
    "everyday-skills-activity-sheets",
    "specialist-occupational-therapy",
}
SENSORY = {
    "sensory-workshops-for-parents",
    "everyday-skills-activity-sheets",
    "ot-consultation-for-sencos",
    "specialist-occupational-therapy",
}
MOVING = {
    "get-moving-groups",
    "physiotherapy-advice-line",
    "specialist-physiotherapy",
    "physiotherapy-support-for-settings",
}
SAMPLE_QUESTIONS: list[tuple[str, set[str]]] = [
    ("3 year old not talking", TALKING),
    ("speech delay", TALKING),
    ("late talker", TALKING),
    ("toddler not saying words", TALKING),
    ("my son stutters", STAMMERING),
    ("help with handwriting", HANDS | {"ot-consultation-for-sencos"}),
    (
        "autistic daughter",
        {"speech-and-language-advice-line", "specialist-speech-and-language-therapy"},
    ),
    ("won't eat", {"eating-drinking-swallowing-service"}),
    ("swallowing", {"eating-drinking-swallowing-service"}),
    ("can't sit still at school", SENSORY),
    ("sensory problems", SENSORY),
    ("clumsy", MOVING | {"busy-hands-programme", "specialist-occupational-therapy"}),
    ("dyspraxia", MOVING | {"busy-hands-programme", "specialist-occupational-therapy"}),
    ("wheelchair", {"specialist-seating-and-equipment", "specialist-physiotherapy"}),
    ("walking late", MOVING),
    ("getting dressed", {"ready-steady-go-groups", *HANDS}),
    ("my child is non-verbal", {"communication-aids-assessment", *TALKING}),
]

#: Another area's three services: one for talking, one for walking and balance, one that
#: lends equipment to colleges. Its vocabularies have no synonyms at all.
CHATTERBOX = {"chatterbox-sessions"}
STEADY = {"steady-steps"}
EQUIPMENT = {"college-equipment-loans"}
OTHER_QUESTIONS: list[tuple[str, set[str]]] = [
    ("3 year old not talking", CHATTERBOX),
    ("speech delay", CHATTERBOX),
    ("late talker", CHATTERBOX),
    ("toddler not saying words", CHATTERBOX),
    ("my son stutters", CHATTERBOX),  # no service for stammering: the one for talking
    ("autistic daughter", CHATTERBOX),
    ("speech therapy", CHATTERBOX),
    ("my daughter can't speak clearly", CHATTERBOX),
    ("clumsy", STEADY),
    ("wobbly on his feet", STEADY),
    ("walking late", STEADY),
    ("physio", STEADY),
    ("cerebral palsy", STEADY),
    ("hypermobility", STEADY),
    ("wheelchair", EQUIPMENT | STEADY),
    ("special seating at college", EQUIPMENT),
]


def model(root: Path) -> SiteModel:
    return build_model(load_project(root), TODAY)


# --- the thesaurus ---------------------------------------------------------------------


def test_the_thesaurus_is_well_formed_and_ships_with_the_package() -> None:
    groups = search.thesaurus()
    assert len(groups) >= 15
    abouts = [g.about for g in groups]
    assert len(abouts) == len(set(abouts))
    for group in groups:
        assert len(group.words) >= 2, group.about
        assert len(group.words) == len({w.casefold() for w in group.words}), group.about
        assert all(w.strip() == w and 0 < len(w.split()) <= 6 for w in group.words), group.about
        assert group.within is None or group.within in abouts, group.about
    raw = yaml.safe_load(search.THESAURUS.read_text(encoding="utf-8"))
    assert set(raw) == {"groups"}
    assert all(set(g) <= {"about", "words", "within"} for g in raw["groups"])
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "thesaurus.yaml" in project["tool"]["setuptools"]["package-data"]["generator"]


def test_a_text_holds_a_group_by_a_whole_word_or_phrase_in_any_form() -> None:
    groups = search.groups(model(ROOT).terms)
    about = {g.about: g for g in groups}

    def found(text: str) -> set[str]:
        return {g.about for g in search.held([text], groups)}

    assert {"stammering", "Stammering"} <= found("My child STUTTERS")  # and the need's own
    assert "talking and language" in found("a late talker")
    assert "talking and language" not in found("latetalker")
    assert "wheelchairs, seating and equipment" in found("Lends chairs to colleges")
    assert found("") == set()
    # An area's synonyms are groups too: the need's name, plain name and synonyms.
    assert set(about["Stammering"].words) >= {"Stammering", "stammer", "dysfluency"}


def test_each_service_is_found_by_the_words_of_its_groups() -> None:
    def words(site: SiteModel) -> dict[str, set[str]]:
        return {s.id: set(search.record(site, s).words.casefold().split()) for s in site.services}

    sample = words(model(ROOT))
    assert {"late", "talker", "speech", "delay", "talking"} <= sample["talking-together-groups"]
    assert "stutter" in sample["stammering-support-group"]
    assert "wheelchair" in sample["specialist-seating-and-equipment"]
    assert {"fussy", "eater"} <= sample["eating-drinking-swallowing-service"]
    # Each word once: "stammer" and "stammers" are one word to the index's stemmer.
    assert not {"stammers", "stutters"} & sample["stammering-support-group"]
    # Towns are not words of a service: search finds a place in a question itself.
    assert "grays" not in sample["get-moving-groups"]
    # The sample has services for stammering, so a general one is not given its words;
    assert "stutter" not in sample["talk-and-play-drop-ins"]
    # another area with none finds its one service for talking by them.
    other = words(model(OTHER))
    assert {"stutter", "autism"} <= other["chatterbox-sessions"]
    assert "wheelchair" in other["college-equipment-loans"]
    assert {"balance", "clumsy"} <= other["steady-steps"]
    assert "stutter" not in other["steady-steps"]


# --- in the browser --------------------------------------------------------------------


@pytest.fixture(scope="module")
def other_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The other area's site, built with the sample's theme and mkdocs.yml, served."""
    root = tmp_path_factory.mktemp("other-words") / "project"
    for name in ("data", "content"):
        shutil.copytree(OTHER / name, root / name)
    shutil.copytree(ROOT / "theme", root / "theme")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    yield from served(build_site(root, today=TODAY))


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


def misses(page: Page, base: str, questions: list[tuple[str, set[str]]]) -> list[object]:
    """The questions with no wanted service in the first three results, with those."""
    missed: list[object] = []
    for question, wanted in questions:
        first = [service_id(h) for h in ask(page, base, question)][:3]
        if not wanted & set(first):
            missed.append((question, first, page.locator("#lo-count").inner_text()))
    return missed


def test_questions_in_families_words_find_help_on_the_sample(page: Page, site_url: str) -> None:
    assert len(SAMPLE_QUESTIONS) >= 12
    assert misses(page, site_url, SAMPLE_QUESTIONS) == []


def test_questions_in_families_words_find_help_in_another_area(page: Page, other_url: str) -> None:
    assert len(OTHER_QUESTIONS) >= 12
    assert misses(page, other_url, OTHER_QUESTIONS) == []


def test_a_word_nothing_mentions_is_said_and_empties_nothing(page: Page, site_url: str) -> None:
    found = [service_id(h) for h in ask(page, site_url, "zebra late talker")]
    assert set(found[:3]) & TALKING
    count = page.locator("#lo-count").inner_text()
    said = r"\d+ results for “zebra late talker”\. No service mentions “zebra”\."
    assert re.fullmatch(said, count), count
    # Common words are never said to be missing, nor do they empty the list.
    ask(page, site_url, "my 3 year old son is not talking")
    assert "mentions" not in page.locator("#lo-count").inner_text()
    # After a search, focus is on the count, which says what was found.
    assert page.evaluate("document.activeElement.id") == "lo-count"
