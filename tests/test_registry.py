"""A kind of record is one registry entry, a model and templates: a toy kind added through
``kinds.KINDS`` alone gets its file read and checked, its pages, its menu entry, its
schema and ``new`` support, with no other change to the generator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator import kinds, models
from generator.errors import DataError
from generator.model import build_model
from generator.new import add_record
from generator.pipeline import generate
from generator.routes import navigation
from generator.schema import schemas
from generator.validate import load_project

from .conftest import TODAY, write_project


class Event(models.Record):
    """A get-together for families."""

    id: models.Slug
    """The event's id: a-z, 0-9 and hyphens."""
    title: models.Text
    """The event's name."""
    day: models.Date
    """The day it happens, written YYYY-MM-DD."""
    audiences: models.AudienceIds
    """Who it is for: ids from audiences in vocabularies.yaml."""


EVENT = kinds.Kind(
    "event", "events", Event, "events", "events for families",
    order=lambda e: (e.day, e.id), page="events/{id}.md", template="event.html",
    listing=("events.md", "events.html"),
)  # fmt: skip

EVENTS = """\
events:
  - id: stay-and-play
    title: Stay and play
    day: 2026-12-12
    audiences: parents
  - id: open-morning
    title: Open morning
    day: 2026-12-01
    audiences: [parents]
"""

TEMPLATES = {
    "event.html": (
        '{% extends "_page.html" %}{% block content %}<h1>{{ event.title }}</h1>'
        "<p>On {{ event.day|long_date }}</p>{% endblock %}"
    ),
    "events.html": (
        '{% extends "_page.html" %}{% block content %}<h1>Events</h1><ul>'
        "{% for e in events %}<li><a href=\"{{ url('events/' ~ e.id ~ '.md') }}\">"
        "{{ e.title }}</a></li>{% endfor %}</ul>{% endblock %}"
    ),
}


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with events, and the registry with the kind: nothing else is changed."""
    monkeypatch.setattr(kinds, "KINDS", (*kinds.KINDS, EVENT))
    root = write_project(tmp_path, events=EVENTS)
    (root / "theme").mkdir()
    for name, text in TEMPLATES.items():
        (root / "theme" / name).write_text(text, encoding="utf-8")
    return root


def test_a_toy_kind_gets_its_pages_in_its_order(toy: Path) -> None:
    docs = toy / "build" / "docs"
    generate(toy, TODAY, docs_dir=docs)
    page = (docs / "events" / "stay-and-play.md").read_text(encoding="utf-8")
    assert "Stay and play" in page and "12 December 2026" in page
    listing = (docs / "events.md").read_text(encoding="utf-8")
    assert listing.index("Open morning") < listing.index("Stay and play")  # by day
    assert 'href="stay&#45;and&#45;play&#47;"' in listing  # events/ links to its pages


def test_a_toy_kind_gets_its_menu_entry_in_the_projects_section(toy: Path) -> None:
    site = build_model(load_project(toy), TODAY)
    menu = navigation(site)
    project_section = next(v for item in menu for k, v in item.items() if k.startswith("The "))
    assert project_section[-1] == "events.md"
    assert site.records["event"][0].id == "open-morning"


def test_a_toy_kind_is_checked_at_its_line_with_the_rules_of_its_model(toy: Path) -> None:
    broken = EVENTS.replace("day: 2026-12-01", "day: 2026-13-01").replace(
        "audiences: parents", "audiences: pupils"
    )
    (toy / "data" / "events.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_project(toy)
    said = [str(p) for p in info.value.problems]
    assert any(s.startswith("data/events.yaml:5: events[0].audiences") for s in said), said
    assert any(s.startswith("data/events.yaml:8: events[1].day") for s in said), said
    assert any("the 2nd event, id open-morning" in s for s in said), said


def test_a_toy_kind_gets_a_schema_for_editors(toy: Path) -> None:
    made = schemas(load_project(toy).vocabularies)
    schema = json.loads(made["events.schema.json"])
    assert schema["title"] == "data/events.yaml"
    item = schema["properties"]["events"]["items"]
    item = schema["$defs"][item["$ref"].rsplit("/", 1)[-1]] if "$ref" in item else item
    assert set(item["properties"]) == {"id", "title", "day", "audiences"}
    assert "The day it happens" in json.dumps(item)


def test_new_adds_a_toy_record_asking_the_models_own_questions(toy: Path) -> None:
    questions: list[str] = []
    answers = iter(["Coffee morning", "2026-12-20", "parents"])

    def ask(prompt: str) -> str:
        questions.append(prompt)
        return next(answers)

    made, at = add_record(toy, "event", {}, TODAY, ask, tell=lambda _line: None)
    assert made == "coffee-morning" and at.file == "data/events.yaml"
    assert questions[0].startswith("The event's name")
    project = load_project(toy)
    assert [e.id for e in project.records["event"]][-1] == "coffee-morning"
