"""The site states only what the data holds (issue 19, "What the site says").

A fact nobody gave reads "Ask the service" and never "Free" or "All ages"; a retired or
closed service keeps its page but cannot be contacted or added to a list, says what to do
instead and is left out of lists unless asked for; a service only for staff is never
offered to families as one they can refer themselves to; counts and empty sections read
naturally in any area; a way in that mentions a form with no link to it is a warning.

Pages are rendered with ``check`` (no build), but for the directory's filters in Chromium,
on the built sample (``site_url``).
"""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import yaml
from playwright.sync_api import Browser

from generator.pipeline import check

from .conftest import MINIMAL, ROOT, TODAY, copy_project


def text(page: bytes) -> str:
    """A generated page as a reader sees it: tags gone, references read."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page.decode())).split())


def summary(page: bytes) -> dict[str, str]:
    """The facts of a page's summary lists (``<dt>`` and ``<dd>``), as a reader sees them:
    {label: text}, each label once on the page."""
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page.decode())
    labels = [text(label.encode()) for label, _ in pairs]
    assert len(set(labels)) == len(labels), labels
    return {label: text(value.encode()) for label, (_, value) in zip(labels, pairs, strict=True)}


def markup(page: bytes) -> str:
    """A generated page's HTML with its character references read."""
    return unescape(page.decode())


def edit_services(root: Path, change: Any) -> None:
    """Apply ``change`` to the records of ``data/services.yaml`` (a list of dicts)."""
    path = root / "data" / "services.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["services"])
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")


def record(services: list[dict[str, Any]], sid: str) -> dict[str, Any]:
    return next(s for s in services if s["id"] == sid)


def numbers(pages: dict[str, bytes], name: str) -> list[int]:
    """The service numbers a filter file of the directory holds."""
    found: list[int] = json.loads(pages[f"filters/{name}.json"])
    return found


def number_of(pages: dict[str, bytes], sid: str) -> int:
    """A service's number in the directory's filter files (its place in its card file)."""
    cards = json.loads(pages["filters/cards-0.json"])
    return next(n for n, card in enumerate(cards) if card["id"] == sid)


def card(page: bytes, sid: str) -> str:
    """The text of the service card of ``sid`` on a page ("" if it has none)."""
    html = markup(page)
    start = html.find(f'data-lo-id="{sid}"')
    if start == -1:
        return ""
    end = html.find('class="lo-card"', start)
    return text(html[start : end if end != -1 else len(html)].encode())


# --- a fact nobody gave -------------------------------------------------------------------


@pytest.fixture
def unknown(tmp_path: Path) -> Path:
    """The minimal project, its advice line with no cost and no ages."""
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)

    def forget(services: list[dict[str, Any]]) -> None:
        for fact in ("cost", "min_age", "max_age"):
            record(services, "advice-line").pop(fact, None)

    edit_services(root, forget)
    return root


def test_a_cost_or_ages_nobody_gave_read_ask_the_service_and_match_no_filter(
    unknown: Path,
) -> None:
    """`new` never asked for cost or ages, and the page said "Cost: Free", "All ages"."""
    outcome = check(unknown, TODAY)
    pages = outcome.pages
    page = text(pages["services/advice-line.md"])
    facts = summary(pages["services/advice-line.md"])
    # The page's "Who for" says the ages as the card's does.
    assert facts["Who for"] == "Parents and carers; ages: ask the service"
    assert facts["Cost"] == "Ask the service"
    listed = card(pages["services/index.md"], "advice-line")
    assert "Cost: Ask the service" in listed and "ages: ask the service" in listed
    for shown in (page, listed, card(pages["audiences/parents.md"], "advice-line")):
        assert "Free" not in shown
        assert "All ages" not in shown and "any age" not in shown.lower()
    cards = json.loads(pages["filters/cards-0.json"])
    advice = next(c for c in cards if c["id"] == "advice-line")
    assert advice["cost"] == "Ask the service" and "All ages" not in advice["who"]
    assert (advice["who"], advice["cost"]) == (facts["Who for"], facts["Cost"])
    n = number_of(pages, "advice-line")
    assert n not in numbers(pages, "cost-free") and n not in numbers(pages, "cost-charge")
    assert all(n not in numbers(pages, f"age-{age}") for age in range(26))
    # check --strict lists the record, at its first line, in plain words.
    [warning] = [w for w in outcome.warnings if "families need" in w.message]
    assert (warning.file, warning.line) == ("data/services.yaml", 2)
    assert "cost" in warning.message and "min_age" in warning.message


# --- a retired or closed service ---------------------------------------------------------

RETIRED = "speech-and-language-advice-line"


@pytest.fixture(scope="module")
def retired(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The sample's pages with its speech and language advice line retired."""
    root = copy_project(tmp_path_factory.mktemp("retired") / "project")
    edit_services(root, lambda services: record(services, RETIRED).update(status="defunct"))
    return check(root, TODAY).pages


def test_a_retired_service_keeps_its_page_but_offers_no_contact_and_says_what_to_do(
    retired: dict[str, bytes],
) -> None:
    """It showed "Call", "Email", "Can you refer yourself? Yes", and "the directory"
    with no link to it."""
    page = retired[f"services/{RETIRED}.md"]
    html, shown, facts = markup(page), text(page), summary(page)
    assert "No longer running" in shown
    assert 'class="lo-actions"' not in html  # where "Add to my list" would go
    for contact in ("tel:08081570101", "slt.adviceline@example.org", "/slt/advice-line"):
        assert contact not in html, contact
    assert facts["Refer yourself"] == "No: the service is not running"
    assert "Refer yourself Yes" not in shown
    assert not {"Phone", "Email", "Website", "Opening times", "Cost"} & set(facts), facts
    here = f"services/{RETIRED}/"
    links = dict(
        (text(words.encode()), urljoin(here, href))
        for href, words in re.findall(r'<a href="([^"]*)">(.*?)</a>', html)
    )
    assert links["directory of services"] == "services/"
    instead = [
        target.removeprefix("services/").rstrip("/")
        for target in links.values()
        if re.fullmatch(r"services/[a-z0-9-]+/", target) and target != here
    ]
    assert instead, "no similar service is linked"
    sample = {s.id: s for s in check(ROOT, TODAY).project.services}
    for other in instead:
        found = sample[other]
        assert found.status == "active" and found.discipline == sample[RETIRED].discipline
        assert set(found.areas) & set(sample[RETIRED].areas)


def test_a_retired_service_is_left_out_of_lists_unless_asked_for(
    retired: dict[str, bytes],
) -> None:
    for name in ("services/index.md", "balanced-system.md", "audiences/parents-and-carers.md"):
        assert f'data-lo-id="{RETIRED}"' not in markup(retired[name]), name
    assert f'href="{RETIRED}/"' not in markup(retired["audiences/children-and-young-people.md"])
    # The A to Z list names it apart, under a heading of its own, and the filters' data
    # can leave it out.
    directory = markup(retired["services/index.md"])
    apart = directory[directory.index('id="not-running"') :]
    assert f'href="{RETIRED}/"' in apart
    n = number_of(retired, RETIRED)
    assert n in numbers(retired, "running-no") and n not in numbers(retired, "running-yes")
    assert n not in numbers(retired, "self-yes")


def test_every_sample_service_has_a_status_to_change() -> None:
    """EDITING.md says "change its status"; 24 of 25 records had no status line."""
    text = (ROOT / "data" / "services.yaml").read_text(encoding="utf-8")
    records = text.split("\n  - id: ")[1:]
    assert len(records) == len(check(ROOT, TODAY).project.services)
    assert all(re.search(r"^    status: ", r, re.M) for r in records)


# --- services only for staff -------------------------------------------------------------

#: The sample's audiences that are staff, not families.
STAFF = {"professionals", "schools-settings-and-fe"}


def test_a_service_only_for_staff_is_never_offered_to_families_as_refer_yourself() -> None:
    """Training for nursery staff showed "Refer yourself: Yes" on a parent's list."""
    outcome = check(ROOT, TODAY)
    pages = outcome.pages
    staff_only = [
        s for s in outcome.project.services if set(s.audiences) <= STAFF and s.access.self_referral
    ]
    assert "early-years-communication-training" in {s.id for s in staff_only}
    for service in staff_only:
        assert "Refer yourself: Yes" not in card(pages["services/index.md"], service.id)
        said = summary(pages[f"services/{service.id}.md"])["Refer yourself"]
        assert said != "Yes" and "not a service for families" in said, (service.id, said)
        assert number_of(pages, service.id) not in numbers(pages, "self-yes")
    # A service for families that they can contact themselves still says so.
    assert "Refer yourself: Yes" in card(pages["services/index.md"], RETIRED)
    assert number_of(pages, RETIRED) in numbers(pages, "self-yes")


def test_a_service_families_reach_through_staff_is_not_refer_yourself_for_them() -> None:
    """A classroom programme for pupils and their teachers, which a school asks for: a
    parent filtering for services she can contact herself must not be offered it."""
    outcome = check(ROOT, TODAY)
    pages = outcome.pages
    through = [
        s
        for s in outcome.project.services
        if s.access.self_referral
        and set(s.audiences) & STAFF
        and set(s.audiences) - STAFF == {"children-and-young-people"}
    ]
    assert "word-wise-classroom-programme" in {s.id for s in through}
    for service in through:
        assert "Refer yourself: Yes" not in card(pages["services/index.md"], service.id)
        said = summary(pages[f"services/{service.id}.md"])["Refer yourself"]
        assert said != "Yes" and "ask the staff who work with your child" in said, service.id
        assert number_of(pages, service.id) not in numbers(pages, "self-yes")


# --- counts and empty sections -----------------------------------------------------------


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A new area's first site: one strand, one level, no timeline, surveys or updates,
    a document of one page."""
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    data = root / "data"
    for name in ("timeline", "surveys", "updates"):
        (data / f"{name}.yaml").unlink()
    vocab = yaml.safe_load((data / "vocabularies.yaml").read_text(encoding="utf-8"))
    vocab["vocabularies"]["levels"] = vocab["vocabularies"]["levels"][:1]
    (data / "vocabularies.yaml").write_text(yaml.safe_dump(vocab), "utf-8")
    edit_services(root, lambda services: [s.update(levels=["universal"]) for s in services])
    docs = yaml.safe_load((data / "documents.yaml").read_text(encoding="utf-8"))
    docs["documents"][0]["pages"] = 1
    (data / "documents.yaml").write_text(yaml.safe_dump(docs), "utf-8")
    return root


def test_counts_and_empty_sections_read_naturally_in_a_new_area(tiny: Path) -> None:
    """A new area's site said "moves through 0 stages", "1 strands", and showed an empty
    "Where the programme is now"."""
    pages = check(tiny, TODAY).pages
    everything = {name: text(page) for name, page in pages.items() if name.endswith(".md")}
    for name, shown in everything.items():
        assert not re.search(r"\b1 (strands|levels|stages|pages|services)\b", shown), name
        assert not re.search(r"\b0 (strands|levels|stages)\b", shown), name
        assert "is now" not in shown, name  # no timeline: no "Where the project is now"
    assert "It looks at 1 strand of work at 1 level." in everything["balanced-system.md"]
    assert "1 page)" in everything["documents.md"]
    assert "0 stages" not in everything["timeline.md"]
    assert "not been published yet" in everything["timeline.md"]


# --- a form with no link -------------------------------------------------------------------


def test_a_route_that_mentions_a_form_but_links_none_is_a_warning_at_its_line(
    tmp_path: Path,
) -> None:
    """The SENCO's route to physiotherapy support "fills in a request form", and nothing
    told the editor that the form's address was missing."""
    assert [w.where.split(" ")[0] for w in check(ROOT, TODAY).warnings] == [
        "services[7].last_reviewed"  # the sample's one intended warning: nothing added
    ]
    root = copy_project(tmp_path / "project")
    sid = "physiotherapy-support-for-settings"
    edit_services(root, lambda services: record(services, sid)["access"].pop("referral_form", None))
    found = [w for w in check(root, TODAY).warnings if "form" in w.message]
    [warning] = found
    assert "mentions a form but gives no referral_form" in warning.message
    assert warning.where.startswith("services[22].access.referral_route")
    lines = (root / "data" / "services.yaml").read_text(encoding="utf-8").splitlines()
    assert "fills in a request form" in lines[warning.line - 1]


# --- in the browser: the directory's filters -----------------------------------------------

CLOSED = "hydrotherapy-sessions"  # the sample's service that is closed for now


def test_filters_leave_out_a_closed_service_unless_asked_and_it_cannot_be_added(
    browser: Browser, site_url: str
) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site_url + "services/?type=physiotherapy", wait_until="load")
        count = page.locator("#lo-count")
        page.wait_for_function(
            "() => /match/.test(document.getElementById('lo-count').textContent)"
        )
        found = page.locator("#lo-results .lo-card").evaluate_all(
            "cards => cards.map(c => c.dataset.loId)"
        )
        assert found and CLOSED not in found
        assert "Not shown: 1 service not running at the moment." in count.inner_text()
        page.locator("#lo-closed").check()
        page.wait_for_function(
            "(id) => document.querySelector(`#lo-results .lo-card[data-lo-id='${id}']`)",
            arg=CLOSED,
        )
        closed = page.locator(f"#lo-results .lo-card[data-lo-id='{CLOSED}']")
        assert "Closed for now" in closed.inner_text()
        assert closed.get_by_role("button").count() == 0  # no "Add to my list"
        assert "closed=yes" in page.url
        page.goto(site_url + f"services/{CLOSED}/", wait_until="load")
        page.wait_for_load_state("networkidle")
        assert page.get_by_role("button", name=re.compile("Add to my list")).count() == 0
        assert page.get_by_role("link", name=re.compile(r"^(Call|Email) ")).count() == 0
    finally:
        context.close()
