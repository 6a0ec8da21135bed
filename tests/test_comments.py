"""Comments and "You said, we did" (SEND Regulations 2014, regulation 56): a kind of the
registry, whose published text must be anonymised, whose page groups the comments by theme
and year, whose services' pages list theirs, and whose dates ``check`` warns about."""

from __future__ import annotations

import html
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from generator import kinds
from generator.new import add_record
from generator.pipeline import check
from generator.schema import schemas
from generator.validate import load_project, warnings

from .conftest import ROOT, TODAY, problems, write_project

COMMENTS = """\
comments:
  - id: hostile
    received: 2026-03-02
    channel: email
    theme: content
    said: <script>alert("said")</script> The <b>pages</b> are hard to follow.
    response: We rewrote them & added a list of words.
    status: done
    done_on: 2026-04-01
    published: 2026-04-10
  - id: advice-line-busy
    received: 2025-11-20
    channel: phone
    theme: service
    about: advice-line
    said: Nobody answered the advice line at lunchtime.
    response: Two people now answer at lunchtime.
    action: We will check the call times again in spring.
    status: planned
    due: 2027-03-31
    published: 2026-02-01
  - id: weekends
    received: 2025-10-05
    channel: feedback form
    theme: gaps
    said: Please open the clinic on Saturdays.
    response: We looked at Saturday clinics.
    status: not possible
    reason: There are not enough therapists to staff them safely.
    published: 2026-02-01
  - id: easy-read
    received: 2026-08-12
    channel: letter
    theme: accessibility
    said: Please make easy read versions.
    response: We are writing them with a group of young people.
    status: in progress
    due: 2026-12-31
    published: 2026-09-15
"""
NEWEST = date(2026, 9, 15)  # the newest ``published`` above


def _line(text: str, start: str, after: str = "") -> int:
    """The number of the line of ``text`` that starts (indented) with ``start``, the first
    after the line that starts with ``after``."""
    lines = [line.strip() for line in text.splitlines()]
    first = lines.index(after) if after else 0
    return next(n for n, line in enumerate(lines, 1) if n > first and line.startswith(start))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_project(tmp_path, comments=COMMENTS)


def _text(page: bytes) -> str:
    """What a reader sees: the page's words without tags, references decoded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.decode())).split())


def _comment_warnings(root: Path, today: date) -> list[str]:
    found = warnings(load_project(root), today)
    return [str(w) for w in found if w.file == "data/comments.yaml"]


def test_the_registry_has_the_kind_and_an_area_without_the_file_still_builds(
    tmp_path: Path,
) -> None:
    kind = kinds.kind("comment")
    assert kind.file == "comments.yaml" and not kind.required
    assert kind.listing == ("you-said-we-did.md", "you-said-we-did.html")
    outcome = check(write_project(tmp_path), TODAY)  # the minimal project has no comments
    assert outcome.project.records["comment"] == []
    assert "We have not published any comments yet." in _text(outcome.pages["you-said-we-did.md"])


def test_the_schema_is_written_for_editors(root: Path) -> None:
    made = json.loads(schemas(load_project(root).vocabularies)["comments.schema.json"])
    assert made["title"] == "data/comments.yaml"
    written = (ROOT / "schemas" / "comments.schema.json").read_bytes()
    assert written == schemas(load_project(ROOT).vocabularies)["comments.schema.json"]
    item = made["properties"]["comments"]["items"]
    item = made["$defs"][item["$ref"].rsplit("/", 1)[-1]] if "$ref" in item else item
    assert {"said", "response", "status", "reason", "published", "about"} <= set(item["properties"])
    assert "family's own words" in json.dumps(item)
    assert {"if": {"properties": {"status": {"const": "not possible"}}, "required": ["status"]},
            "then": {"required": ["reason"]}} in item["allOf"]  # fmt: skip


def test_hostile_text_is_shown_as_text(root: Path) -> None:
    page = check(root, TODAY).pages["you-said-we-did.md"].decode()
    assert "<script" not in page and "<b>" not in page
    assert '<script>alert("said")</script> The <b>pages</b>' in _text(page.encode())
    assert "We rewrote them & added" in _text(page.encode())


@pytest.mark.parametrize(
    ("said", "what"),
    [
        ("Write to me at jo.bloggs@example.com please.", "an email address"),
        ("Ring me on 07700 900123 after 6pm.", "a phone number"),
        ("We live near CM1 1QH, far from the clinic.", "a postcode"),
        ("Mrs Smith at the school was very helpful.", "a title and name"),
    ],
)
def test_personal_data_is_refused_at_its_line(root: Path, said: str, what: str) -> None:
    text = COMMENTS.replace("said: Please open the clinic on Saturdays.", f"said: {said}")
    (root / "data" / "comments.yaml").write_text(text, encoding="utf-8")
    said_line = text.splitlines().index(f"    said: {said}") + 1
    found = problems(root)
    assert len(found) == 1, found
    assert found[0].startswith(f"data/comments.yaml:{said_line}: comments[2].said "), found
    assert f"personal data ({what})" in found[0] and "anonymise" in found[0]


def test_each_field_of_text_is_checked(root: Path) -> None:
    text = COMMENTS.replace(
        "reason: There are not enough", "reason: Dr Patel says there are not enough"
    ).replace("action: We will check", "action: Call 0300 123 4567. We will check")
    (root / "data" / "comments.yaml").write_text(text, encoding="utf-8")
    found = problems(root)
    reason, action = _line(text, "reason:"), _line(text, "action:")
    assert any(p.startswith(f"data/comments.yaml:{reason}: comments[2].reason ") for p in found)
    assert any(p.startswith(f"data/comments.yaml:{action}: comments[1].action ") for p in found)


def test_what_a_theme_or_status_needs_and_unknown_services(root: Path) -> None:
    text = (
        COMMENTS.replace("    reason: There are not enough therapists to staff them safely.\n", "")
        .replace("    done_on: 2026-04-01\n", "")
        .replace("about: advice-line", "about: advice-lines")
    )
    (root / "data" / "comments.yaml").write_text(text, encoding="utf-8")
    found = problems(root)
    assert any("status is done: give done_on" in p for p in found), found
    assert any("status is not possible: give reason" in p for p in found), found
    assert any(
        p.startswith(f"data/comments.yaml:{_line(text, 'about:')}: comments[1].about")
        and "'advice-lines' is not the id of a service" in p
        and "did you mean 'advice-line'?" in p
        for p in found
    ), found
    without = COMMENTS.replace("    about: advice-line\n", "")
    (root / "data" / "comments.yaml").write_text(without, encoding="utf-8")
    assert any("theme is service: give about" in p for p in problems(root))


def test_the_page_groups_by_theme_then_year_newest_first(root: Path) -> None:
    page = check(root, TODAY).pages["you-said-we-did.md"].decode()
    headings = [
        (level, html.unescape(text))
        for level, text in re.findall(r"<h([1-3])[^>]*>(.*?)</h\1>", page)
    ]
    assert headings == [
        ("1", "You said, we did"),
        ("2", "What this website tells you"),
        ("3", "What you told us in 2026"),
        ("2", "Help that is missing"),
        ("3", "What you told us in 2025"),
        ("2", "Finding and using the information"),
        ("3", "What you told us in 2026"),
        ("2", "Our services"),
        ("3", "What you told us in 2025"),
    ]
    text = _text(page.encode())
    assert "Done Told us by email in March 2026 · Answered 10 April 2026" in text
    assert "You said: Please open the clinic on Saturdays. Why we cannot: We looked" in text
    assert "There are not enough therapists to staff them safely." in text
    assert "Under way" in text and "What we will do: We are writing them" in text
    assert "To be done by 31 December 2026" in text and "Done on 1 April 2026" in text
    assert "Planned" in text and "About: Advice line" in text
    tags = re.findall(r'class="lo&#45;status lo&#45;status&#45;&#45;(\w+)"', page)
    assert tags == ["done", "closed", "current", "upcoming"]


def test_a_service_page_lists_its_comments(root: Path) -> None:
    pages = check(root, TODAY).pages
    told = _text(pages["services/advice-line.md"])
    assert "What families told us about this service" in told
    assert "You said: Nobody answered the advice line at lunchtime." in told
    assert "What we will do: Two people now answer at lunchtime." in told
    other = _text(pages["services/stammering-clinic.md"])
    assert "What families told us" not in other


def test_a_warning_when_the_newest_answer_is_over_a_year_old(root: Path) -> None:
    a_year_on = date(NEWEST.year + 1, NEWEST.month, NEWEST.day)
    assert not [w for w in _comment_warnings(root, a_year_on) if "over a year ago" in w]
    late = [w for w in _comment_warnings(root, a_year_on + timedelta(days=1)) if "year ago" in w]
    line = _line(COMMENTS, "published: 2026-09-15")
    assert len(late) == 1, late
    assert late[0].startswith(f"data/comments.yaml:{line}: comments[3].published")
    assert "warning: the newest answer to comments was published on 2026-09-15" in late[0]


def test_a_warning_for_a_file_that_holds_no_comments(tmp_path: Path) -> None:
    root = write_project(tmp_path, comments="comments: []\n")
    assert [w for w in _comment_warnings(root, TODAY) if "holds no comments" in w]
    assert _comment_warnings(write_project(tmp_path / "none"), TODAY) == []


def test_a_warning_for_an_action_past_its_date(root: Path) -> None:
    assert _comment_warnings(root, TODAY) == []
    late = _comment_warnings(root, date(2027, 1, 1))  # easy-read was due 2026-12-31
    line = _line(COMMENTS, "due: 2026-12-31")
    assert late == [
        f"data/comments.yaml:{line}: comments[3].due (the 4th comment, id easy-read): warning: "
        "the action was due on 2026-12-31 and is still in progress: do it, or change its "
        "status (and due date) and say so"
    ]


def test_the_sample_has_comments_and_no_warning_about_them() -> None:
    project = load_project(ROOT)
    assert 8 <= len(project.records["comment"]) <= 12
    assert not [w for w in warnings(project, TODAY) if w.file == "data/comments.yaml"]


def test_new_adds_a_comment_asking_the_registrys_questions(root: Path) -> None:
    questions: list[str] = []
    answers = iter(
        [
            "2026-11-20",
            "event",
            "gaps",
            "",
            "There is no speech therapy group near us in the holidays.",
            "We are asking the schools about a holiday group.",
            "",
            "planned",
            "",
            "2027-07-01",
            "",
        ]
    )

    def ask(prompt: str) -> str:
        questions.append(prompt)
        return next(answers)

    made, at = add_record(root, "comment", {}, TODAY, ask, tell=lambda _line: None)
    assert made.startswith("there-is-no-speech-therapy-group") and at.file == "data/comments.yaml"
    assert questions[0].startswith("The day the comment reached you")
    added = next(c for c in load_project(root).records["comment"] if c.id == made)
    assert added.published == TODAY and added.status == "planned" and added.about == []
