"""``python -m generator new``: a valid record added to the right file, the rest untouched.

Each answer is checked as it is given, with ``check``'s rules and words, and asked for again
when it is wrong; a blank answer leaves a field out; only data files of the kind inside
``data/`` are written, in their own style and line ends; and a refused or interrupted run
leaves every file as it was (issue 19).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from generator import kinds
from generator.cli import main
from generator.load import load_yaml
from generator.new import NotAdded, add_record
from generator.pipeline import check

from .conftest import TODAY, copy_project

REPO = Path(__file__).resolve().parent.parent

SERVICE = {
    "name": "Talk Time: drop-in (Grays)",
    "organisation": "Thurrock Children's Therapy Service",
    "description": "Come along.\\n\\n### What to bring\\n\\n- your red book",
    "discipline": "speech-and-language-therapy",
    "levels": "universal",
    "strands": "family-support, identification-of-need",
    "audiences": "parents-and-carers",
    "eligibility": "Families in Thurrock.",
    "access.referral_route": "Just come along.",
    "access.self_referral": "yes",
    "contact.phone": "01632 960555",
    "delivery": "community",
    "areas": "thurrock",
}
OTHERS = {
    "update": {"title": "A new drop-in", "summary": "It opens in December.",
               "body": "Come along.", "audiences": "parents-and-carers"},
    "survey": {"title": "Drop-in times", "kind": "consultation", "summary": "When suits you?",
               "link": "https://www.example.org/have-your-say", "opens": "2027-01-11",
               "closes": "2027-02-19", "audiences": "parents-and-carers",
               "other_ways": "Call 01632 960100."},
    "document": {"title": "Annual report", "summary": "The year in brief.",
                 "audiences": "professionals", "url": "https://www.example.org/report.pdf",
                 "format": "PDF", "size": "1.4 MB"},
    "stage": {"title": "Look back", "start": "2027-04-01", "summary": "We check what changed."},
}  # fmt: skip
ADDED = "talk-time-drop-in-grays"


def _argv(root: Path, kind: str, values: dict[str, str], *more: str) -> list[str]:
    argv = ["--root", str(root), "--today", TODAY.isoformat(), "new", kind, *more]
    for field, value in values.items():
        argv += ["--set", f"{field}={value}"]
    return argv


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (links as where they point)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[key] = os.readlink(path).encode()
        elif path.is_file():
            found[key] = path.read_bytes()
        else:
            found[key + "/"] = b""
    return found


def _record(root: Path, file: str, key: str, index: int = -1) -> dict[str, object]:
    """A record of a data file as ``check`` reads it: every value text."""
    source, problems = load_yaml(root / "data" / file, f"data/{file}")
    assert not problems
    record: dict[str, object] = source.data[key][index]
    return record


Ask = Callable[[str], str]


def answering(kind: str, answers: Mapping[str, str | Sequence[str]]) -> tuple[Ask, list[str]]:
    """An ``ask`` (as ``input``) that answers each question of ``kind`` from ``answers``,
    by field: a list gives one answer after another, for a wrong answer and its correction;
    a field not in ``answers`` is answered with Enter. Markdown answers are typed line by
    line and ended with ".". Returns it and every prompt it was shown."""
    by_question = {f.question: f.path for f in kinds.kind(kind).fields}
    by_question |= {f.more: f.path for f in kinds.kind(kind).fields if f.more}
    queued = {k: [v] if isinstance(v, str) else list(v) for k, v in answers.items()}
    shown: list[str] = []
    lines: list[str] = []
    field, markdown = "", False

    def ask(prompt: str) -> str:
        nonlocal field, markdown
        shown.append(prompt)
        assert len(shown) < 200, f"asked again and again: {shown[-3:]}"
        if lines:
            return lines.pop(0)
        if prompt != "> ":
            field = by_question[prompt.split("\n", 1)[0]]
            markdown = "end with a line holding only a full stop" in prompt
        given = queued.get(field) or [""]
        answer = given.pop(0) if len(given) > 1 else given[0]
        if markdown and answer:
            lines.extend([*answer.split("\n")[1:], "."])
            return answer.split("\n")[0]
        return answer

    return ask, shown


def test_a_new_service_is_added_after_the_rest_which_is_kept_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path / "project")
    path = root / "data" / "services.yaml"
    before = path.read_bytes()
    assert main(_argv(root, "service", SERVICE)) == 0
    after = path.read_text(encoding="utf-8")
    assert path.read_bytes().startswith(before)
    added = after[len(before.decode()) :]
    assert added.startswith("  # Added by `python -m generator new service` on 2026-11-23")
    assert f"  - id: {ADDED}\n" in added
    assert "last_reviewed: 2026-11-23  # set by `new`" in added
    outcome = check(root, TODAY)
    service = next(s for s in outcome.project.services if s.id == ADDED)
    assert service.name == "Talk Time: drop-in (Grays)" and service.access.self_referral
    assert f"services/{ADDED}.md" in outcome.pages
    line = after[: after.index("  - id: talk-time")].count("\n") + 1
    assert capsys.readouterr().out == (
        f"ok: added service '{ADDED}' at data/services.yaml:{line}; "
        "read it through, then run check\n"
    )


def test_a_second_record_of_the_same_name_gets_an_id_of_its_own(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    assert main(_argv(root, "service", SERVICE)) == 0
    assert main(_argv(root, "service", SERVICE)) == 0
    ids = [s.id for s in check(root, TODAY).project.services]
    assert ids[-2:] == [ADDED, f"{ADDED}-2"]


@pytest.mark.parametrize("kind", sorted(OTHERS))
def test_every_kind_of_record_can_be_added(tmp_path: Path, kind: str) -> None:
    root = copy_project(tmp_path / "project")
    if kind == "stage":  # a stage may follow only one that has ended
        timeline = root / "data" / "timeline.yaml"
        text = timeline.read_text(encoding="utf-8")
        ongoing = "    start: 2023-09-01\n"
        assert ongoing in text
        timeline.write_text(text.replace(ongoing, ongoing + "    end: 2027-03-31\n"), "utf-8")
    assert main(_argv(root, kind, OTHERS[kind])) == 0
    project = check(root, TODAY).project
    key = kinds.kind(kind).key
    assert getattr(project, key)[-1].title == OTHERS[kind]["title"]


def test_an_invalid_record_is_refused_and_the_file_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path / "project")
    before = _tree(root)
    assert main(_argv(root, "service", {**SERVICE, "levels": "universel"})) == 1
    assert _tree(root) == before
    err = capsys.readouterr().err
    assert "levels: 'universel' is not one of universal, targeted, specialist\n" in err
    assert err.endswith("1 problem found; nothing was added.\n")


def test_every_missing_value_is_named_with_how_to_give_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path / "project")
    values = {k: v for k, v in SERVICE.items() if k not in ("eligibility", "areas")}
    assert main(_argv(root, "service", values)) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "eligibility: is missing; this field is required (give it with --set eligibility=…)",
        "areas: is missing; this field is required (give it with --set areas=…)",
        "2 problems found; nothing was added.",
    ]


def test_it_asks_for_what_is_not_given_and_offers_the_vocabulary(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    ask, asked = answering("service", dict(SERVICE))
    made, _ = add_record(root, "service", {}, TODAY, ask=ask)
    assert made == ADDED
    assert any("one or more of universal, targeted, specialist, with commas between" in q
               for q in asked)  # fmt: skip
    questions = [q.split("\n")[0] for q in asked if q != "> "]
    assert questions == [f.question for f in kinds.kind("service").fields]


def test_an_unknown_field_is_refused(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    with pytest.raises(NotAdded, match="new service has no field colour"):
        add_record(root, "service", {**SERVICE, "colour": "blue"}, TODAY)


def test_a_new_provider_file_names_its_schema_and_goes_if_its_record_is_refused(
    tmp_path: Path,
) -> None:
    root = copy_project(tmp_path / "project")
    path = root / "data" / "services" / "acme.yaml"
    path.parent.mkdir()
    with pytest.raises(NotAdded, match="'universel' is not one of"):
        add_record(
            root, "service", {**SERVICE, "levels": "universel"}, TODAY, None, "services/acme.yaml"
        )
    assert not path.exists()  # not left as a file holding only "services:"
    add_record(root, "service", SERVICE, TODAY, None, "services/acme.yaml")
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/services.schema.json"


# --- issue 19: what was seen ---------------------------------------------------------------


@pytest.mark.parametrize("wrong", ["x", "ye", "maybe", "2", "yes please", "nope"])
def test_a_yes_or_no_answer_check_would_refuse_is_asked_for_again(
    tmp_path: Path, wrong: str
) -> None:
    """ "x", "ye", "maybe" were saved as self_referral: false."""
    root = copy_project(tmp_path / "project")
    told: list[str] = []
    ask, asked = answering("service", {**SERVICE, "access.self_referral": [wrong, "no"]})
    add_record(root, "service", {}, TODAY, ask, tell=told.append)
    assert told == [f"access.self_referral: '{wrong}' is not yes or no"]
    at = next(i for i, prompt in enumerate(asked) if "without a referral?" in prompt)
    assert asked[at].endswith("without a referral?\n  yes or no\n> ") and asked[at + 1] == "> "
    assert _record(root, "services.yaml", "services")["access"] == {
        "referral_route": "Just come along.",
        "self_referral": "no",
    }


@pytest.mark.parametrize(
    ("typed", "means"),
    [("1", "yes"), ("on", "yes"), ("Y", "yes"), ("TRUE", "yes"), ("t", "yes"),
     ("0", "no"), ("OFF", "no"), ("n", "no"), ("False", "no")],
)  # fmt: skip
def test_a_yes_or_no_answer_takes_every_word_check_takes(
    tmp_path: Path, typed: str, means: str
) -> None:
    root = copy_project(tmp_path / "project")
    assert main(_argv(root, "service", {**SERVICE, "access.self_referral": typed})) == 0
    record = _record(root, "services.yaml", "services")
    assert record["access"] == {"referral_route": "Just come along.", "self_referral": means}
    service = check(root, TODAY).project.services[-1]
    assert service.access.self_referral is (means == "yes")


def test_a_yes_or_no_value_check_would_refuse_is_refused_from_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path / "project")
    before = _tree(root)
    assert main(_argv(root, "service", {**SERVICE, "access.self_referral": "maybe"})) == 1
    assert "access.self_referral: 'maybe' is not yes or no\n" in capsys.readouterr().err
    assert _tree(root) == before


def test_cost_ages_needs_and_how_to_get_it_are_asked_and_written_as_given(
    tmp_path: Path,
) -> None:
    """Cost, ages and needs were never asked, and the page said "Free" and "All ages"."""
    root = copy_project(tmp_path / "project")
    answers = {**SERVICE, "cost": "£5 a session", "min_age": "2", "max_age": "11",
               "needs": "stammering", "access.who_can_refer": "Health visitors, GPs",
               "access.referral_form": "https://www.example.org/refer"}  # fmt: skip
    ask, asked = answering("service", answers)
    add_record(root, "service", {}, TODAY, ask)
    questions = "\n".join(asked)
    for asked_for in ("What it costs", "The youngest age", "The oldest age", "Needs it helps",
                      "Who can refer", "referral form", "The areas it covers"):  # fmt: skip
        assert asked_for in questions
    record = _record(root, "services.yaml", "services")
    assert record["cost"] == "£5 a session"
    assert (record["min_age"], record["max_age"], record["needs"]) == ("2", "11", ["stammering"])
    assert record["access"] == {
        "referral_route": "Just come along.",
        "who_can_refer": ["Health visitors", "GPs"],
        "self_referral": "yes",
        "referral_form": "https://www.example.org/refer",
    }


def test_a_blank_answer_leaves_the_field_out_never_a_default(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    ask, _ = answering("service", dict(SERVICE))
    add_record(root, "service", {}, TODAY, ask)
    text = (root / "data" / "services.yaml").read_text(encoding="utf-8")
    added = text[text.index(f"- id: {ADDED}") :]
    for left_out in ("cost:", "min_age:", "max_age:", "needs:", "status:", "who_can_refer:",
                     "locations:", "summary:", "email:", "web:"):  # fmt: skip
        assert left_out not in added
    assert "self_referral: yes" in added
    service = check(root, TODAY).project.services[-1]
    assert service.cost is None and service.min_age is None and service.max_age is None


def test_a_wrong_answer_is_asked_for_again_and_every_answer_kept(tmp_path: Path) -> None:
    """A date typed 11/01/2027 threw away every answer given before it."""
    root = copy_project(tmp_path / "project")
    told: list[str] = []
    answers = {**OTHERS["survey"], "opens": ["11/01/2027", "2027-01-11"]}
    ask, asked = answering("survey", answers)
    add_record(root, "survey", {}, TODAY, ask, tell=told.append)
    assert told == [
        "opens: '11/01/2027' is not a real date written as YYYY-MM-DD "
        "(for 11 January 2027, write 2027-01-11)"
    ]
    assert asked.count("> ") == 1  # the question is not repeated, only its prompt
    survey = check(root, TODAY).project.surveys[-1]
    assert (survey.title, survey.summary, survey.other_ways) == (
        "Drop-in times", "When suits you?", "Call 01632 960100.",
    )  # fmt: skip
    assert str(survey.opens) == "2027-01-11"


def test_dates_out_of_order_are_said_and_both_asked_for_again(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    told: list[str] = []
    answers = {**OTHERS["survey"], "opens": ["2027-03-01", "2027-01-11"],
               "closes": ["2027-02-19", "2027-02-19"]}  # fmt: skip
    ask, _ = answering("survey", answers)
    add_record(root, "survey", {}, TODAY, ask, tell=told.append)
    assert told == ["closes (2027-02-19) before it opens (2027-03-01)"]
    survey = check(root, TODAY).project.surveys[-1]
    assert (str(survey.opens), str(survey.closes)) == ("2027-01-11", "2027-02-19")


def test_a_document_without_a_format_is_added_without_one(tmp_path: Path) -> None:
    """A blank "Format" threw away every answer."""
    root = copy_project(tmp_path / "project")
    ask, _ = answering("document", {**OTHERS["document"], "format": "", "size": ""})
    add_record(root, "document", {}, TODAY, ask)
    record = _record(root, "documents.yaml", "documents")
    assert "format" not in record and "size" not in record
    assert record["url"] == "https://www.example.org/report.pdf"


def test_refusals_say_nothing_was_added_not_nothing_was_built(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path / "project")
    assert main(_argv(root, "survey", {**OTHERS["survey"], "opens": "11/01/2027"})) == 1
    err = capsys.readouterr().err
    assert "opens: '11/01/2027' is not a real date written as YYYY-MM-DD" in err
    assert "nothing was added." in err and "built" not in err


def test_the_contact_questions_say_one_is_needed_and_ask_again_when_none_is_given(
    tmp_path: Path,
) -> None:
    """Both said "optional"; leaving both blank ended in "contact: is missing"."""
    root = copy_project(tmp_path / "project")
    told: list[str] = []
    answers = {**SERVICE, "contact.phone": ["", ""], "contact.email": ["", "a@example.org"]}
    ask, asked = answering("service", answers)
    add_record(root, "service", {}, TODAY, ask, tell=told.append)
    for question in ("Phone number", "Email address", "Web page"):
        prompt = next(q for q in asked if q.startswith(question))
        assert "at least one of phone, email or web is needed" in prompt
        assert "optional" not in prompt
    assert told == ["contact: give at least one of phone, email or web"]
    assert _record(root, "services.yaml", "services")["contact"] == {"email": "a@example.org"}


# --- which file -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "file",
    [
        "../README.md",  # appended a record to the README
        "../../outside/x.yaml",  # wrote beside the project
        "../x.yaml",  # KeyError: '..'
        "/dev/null",  # StopIteration
        "ABSOLUTE",  # the project's own services.yaml, by its absolute path: StopIteration
        ".hidden.yaml",
        "services/.acme.yaml",  # left a file holding the refused record behind
        "services/acme.yml",
        "services/acme file.yaml",
        "services/a/b.yaml",
        "updates.yaml",
        "README.md",
        "services",
        "",
        "C:\\data\\services.yaml",
    ],
)
def test_only_a_data_file_of_the_kind_inside_data_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], file: str
) -> None:
    root = copy_project(tmp_path / "project")
    (root / "README.md").write_text("# Read me\n", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    if file == "ABSOLUTE":
        file = str(root / "data" / "services.yaml")
    before = _tree(tmp_path)
    assert main(_argv(root, "service", SERVICE, "--file", file)) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1 and err.endswith("; nothing was added.\n")
    assert err.startswith(f"--file {file}: " if file else "--file '': ")
    assert "Traceback" not in err
    assert _tree(tmp_path) == before


def test_a_refusal_of_the_file_is_one_line_from_the_command_line_too(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    argv = _argv(root, "service", SERVICE, "--file", "/dev/null")
    done = subprocess.run(
        [sys.executable, "-m", "generator", *argv], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == (
        "--file /dev/null: give a path inside data/, not an absolute path; new service writes "
        "only to data/services.yaml or a file of data/services/, such as --file "
        "services/acme.yaml; nothing was added.\n"
    )


def test_a_hidden_file_is_refused_and_not_left_behind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A record refused in a hidden file (which check never reads) left the file behind."""
    root = copy_project(tmp_path / "project")
    (root / "data" / "services").mkdir()
    before = _tree(root)
    assert main(_argv(root, "service", SERVICE, "--file", "services/.acme.yaml")) == 1
    assert capsys.readouterr().err == (
        "--file services/.acme.yaml: names starting with '.' are hidden, and check does not "
        "read them; new service writes only to data/services.yaml or a file of "
        "data/services/, such as --file services/acme.yaml; nothing was added.\n"
    )
    assert _tree(root) == before


@pytest.mark.parametrize("link", ["folder", "file"])
def test_a_link_on_the_way_to_the_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], link: str
) -> None:
    root = copy_project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    services = root / "data" / "services"
    if link == "folder":
        services.symlink_to(elsewhere, target_is_directory=True)
    else:
        services.mkdir()
        (elsewhere / "acme.yaml").write_text("services: []\n", encoding="utf-8")
        (services / "acme.yaml").symlink_to(elsewhere / "acme.yaml")
    before = _tree(tmp_path)
    assert main(_argv(root, "service", SERVICE, "--file", "services/acme.yaml")) == 1
    err = capsys.readouterr().err
    assert "is a link" in err and len(err.splitlines()) == 1
    assert _tree(tmp_path) == before


def test_a_provider_file_is_started_with_its_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--file services/acme.yaml`` failed until data/services/ existed."""
    root = copy_project(tmp_path / "project")
    argv = _argv(root, "service", SERVICE, "--file", "services/acme.yaml")
    assert main(argv) == 0
    path = root / "data" / "services" / "acme.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:4] == [
        "# yaml-language-server: $schema=../../schemas/services.schema.json",
        "services:",
        "  # Added by `python -m generator new service` on 2026-11-23: read it through.",
        f"  - id: {ADDED}",
    ]
    assert capsys.readouterr().out.startswith(f"ok: added service '{ADDED}' at "
                                              "data/services/acme.yaml:4;")  # fmt: skip
    assert check(root, TODAY).project.services[-1].id == ADDED
    assert sorted(p.name for p in path.parent.iterdir()) == ["acme.yaml"]  # no temporary file


def test_a_refused_record_in_a_new_provider_file_removes_the_folder_it_started(
    tmp_path: Path,
) -> None:
    root = copy_project(tmp_path / "project")
    before = _tree(root)
    argv = _argv(root, "service", {**SERVICE, "levels": "universel"}, "--file", "services/a.yaml")
    assert main(argv) == 1
    assert _tree(root) == before


def test_a_full_disk_is_one_line_naming_the_data_file_and_leaves_nothing_behind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_project(tmp_path / "project")
    before = _tree(root)

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert main(_argv(root, "update", OTHERS["update"])) == 1
    assert capsys.readouterr().err == (
        "data/updates.yaml cannot be written: No space left on device; nothing was added.\n"
    )
    assert _tree(root) == before


def test_the_data_file_keeps_its_permissions(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    path = root / "data" / "services.yaml"
    path.chmod(0o640)
    assert main(_argv(root, "service", SERVICE)) == 0
    assert path.stat().st_mode & 0o777 == 0o640


# --- every byte kept ------------------------------------------------------------------------


def _crlf(path: Path) -> bytes:
    data = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    path.write_bytes(data)
    return data


def test_a_file_with_windows_line_ends_is_put_back_byte_for_byte(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    before = _crlf(root / "data" / "updates.yaml")
    values = {**OTHERS["update"], "audiences": "parents"}
    assert main(_argv(root, "update", values)) == 1
    assert (root / "data" / "updates.yaml").read_bytes() == before


def test_a_record_added_to_a_file_with_windows_line_ends_keeps_them(tmp_path: Path) -> None:
    """An accepted record rewrote every existing line's ending."""
    root = copy_project(tmp_path / "project")
    before = _crlf(root / "data" / "updates.yaml")
    assert main(_argv(root, "update", OTHERS["update"])) == 0
    after = (root / "data" / "updates.yaml").read_bytes()
    assert after.startswith(before)
    added = after[len(before) :]
    assert added.count(b"\n") == added.count(b"\r\n") > 5  # its own lines end as the rest do
    assert check(root, TODAY).project.updates[-1].title == "A new drop-in"


def test_a_list_written_from_column_0_gets_its_record_in_the_same_style(tmp_path: Path) -> None:
    """Items starting in column 0 made `new` refuse every record with a YAML error."""
    root = copy_project(tmp_path / "project")
    path = root / "data" / "services.yaml"
    text = path.read_text(encoding="utf-8")
    head, items = text.split("\nservices:\n", 1)
    flush = "\n".join(line[2:] if line.startswith("  ") else line for line in items.split("\n"))
    path.write_text(f"{head}\nservices:\n{flush}", encoding="utf-8")
    before = path.read_bytes()
    assert check(root, TODAY).project.services  # valid as it is
    assert main(_argv(root, "service", SERVICE)) == 0
    after = path.read_bytes()
    assert after.startswith(before)
    assert f"\n- id: {ADDED}\n  name: ".encode() in after[len(before) :]
    assert check(root, TODAY).project.services[-1].id == ADDED


@pytest.mark.parametrize("empty", ["updates: []\n", "updates: []  # none yet\n", "updates: []"])
def test_an_empty_list_becomes_a_list_of_one(tmp_path: Path, empty: str) -> None:
    """``updates: []`` made `new` refuse every record, at a line that no longer existed."""
    root = copy_project(tmp_path / "project")
    path = root / "data" / "updates.yaml"
    path.write_text(f"# yaml-language-server: $schema=../schemas/updates.schema.json\n{empty}")
    assert main(_argv(root, "update", OTHERS["update"])) == 0
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[1] == ("updates:  # none yet" if "#" in empty else "updates:")
    assert lines[3] == "  - id: a-new-drop-in"
    assert [u.id for u in check(root, TODAY).project.updates] == ["a-new-drop-in"]


# --- ids and pages ------------------------------------------------------------------------------


def test_an_id_is_never_one_whose_page_another_page_has(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An update titled "Index" got the id index, which clashes with updates/index.md."""
    root = copy_project(tmp_path / "project")
    assert main(_argv(root, "update", {**OTHERS["update"], "title": "Index"})) == 0
    assert "ok: added update 'index-2' at data/updates.yaml:" in capsys.readouterr().out
    outcome = check(root, TODAY)  # raises DataError if a page name clashes
    assert "updates/index-2.md" in outcome.pages


def test_a_name_in_other_letters_makes_a_plain_id(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    assert main(_argv(root, "update", {**OTHERS["update"], "title": "Café ★ Crèche"})) == 0
    assert check(root, TODAY).project.updates[-1].id == "cafe-creche"


# --- markdown over several lines ----------------------------------------------------------------


def test_a_markdown_field_can_be_read_from_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The body of an update could only be one line."""
    root = copy_project(tmp_path / "project")
    body = "The drop-in opens on 1 December.\n\n### Who it is for\n\n- families in Grays\n"
    (tmp_path / "news.md").write_bytes(body.replace("\n", "\r\n").encode())
    monkeypatch.chdir(tmp_path)  # the path is from the folder `new` runs in
    assert main(_argv(root, "update", {**OTHERS["update"], "body": "@news.md"})) == 0
    assert _record(root, "updates.yaml", "updates")["body"] == body
    html = check(root, TODAY).pages["updates/a-new-drop-in.md"].decode()
    assert "Who it is for</h" in html


def test_a_file_that_is_not_there_is_named_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_project(tmp_path / "project")
    monkeypatch.chdir(tmp_path)
    before = _tree(root)
    assert main(_argv(root, "update", {**OTHERS["update"], "body": "@missing.md"})) == 1
    assert capsys.readouterr().err == (
        f"--set body=@missing.md: missing.md does not exist (in {tmp_path})\n"
        "1 problem found; nothing was added.\n"
    )
    assert _tree(root) == before


def test_a_markdown_answer_can_be_several_lines(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    body = "Come along.\n\n### What to bring\n\n- your red book\n- any letters"
    ask, asked = answering("update", {**OTHERS["update"], "body": body})
    add_record(root, "update", {}, TODAY, ask)
    assert "end with a line holding only a full stop (.)" in asked[2]
    assert asked[3:9] == ["> "] * 6  # one prompt a line, and one for the "."
    assert _record(root, "updates.yaml", "updates")["body"] == body + "\n"


def test_a_problem_only_check_finds_is_said_and_the_field_asked_for_again(tmp_path: Path) -> None:
    """A link to a page that does not exist is found when pages are made: the body is
    asked for again, and the rest of the answers kept."""
    root = copy_project(tmp_path / "project")
    told: list[str] = []
    bodies = ["See [the hub](services/nowhere.md).", "See [the directory](services/index.md)."]
    ask, _ = answering("update", {**OTHERS["update"], "body": bodies})
    made, _ = add_record(root, "update", {}, TODAY, ask, tell=told.append)
    assert len(told) == 1 and told[0].startswith("body: ") and "services/nowhere.md" in told[0]
    update = check(root, TODAY).project.updates[-1]
    assert (update.id, update.title, update.body) == (made, "A new drop-in", bodies[1])


# --- interruptions ------------------------------------------------------------------------------


def _interrupt_when_checked(monkeypatch: pytest.MonkeyPatch, interrupt: Callable[[], None]) -> None:
    """``interrupt()`` while the project is checked with the new record in it."""
    import generator.load
    import generator.new
    import generator.pipeline
    import generator.validate

    real = generator.validate.validate

    def checking(loaded: generator.load.Loaded, *memo: Any) -> generator.validate.Project:
        if ADDED in repr([source.data for source in loaded.sources.values()]):
            interrupt()
        return real(loaded, *memo)

    for module in (generator.validate, generator.pipeline, generator.new):
        monkeypatch.setattr(module, "validate", checking, raising=False)


def test_ctrl_c_while_the_project_is_checked_leaves_every_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C while `new` re-checked the project left the refused record in the file."""
    root = copy_project(tmp_path / "project")
    before = _tree(root)

    def ctrl_c() -> None:
        raise KeyboardInterrupt

    _interrupt_when_checked(monkeypatch, ctrl_c)
    try:
        code: int | str = main(_argv(root, "service", SERVICE))
    except KeyboardInterrupt:  # as the code before issue 19 let it out
        code = "interrupted"
    assert _tree(root) == before
    assert code == 130
    assert capsys.readouterr().err == "\nStopped: nothing was added.\n"


INTERRUPTED = """
import os, signal, sys, time
import generator.new, generator.validate
real = generator.validate.validate
def checking(loaded, *memo):
    if {added!r} in repr([source.data for source in loaded.sources.values()]):
        os.kill(os.getpid(), {signum})
        time.sleep(30)
    return real(loaded, *memo)
generator.validate.validate = generator.new.validate = checking
from generator.cli import main
sys.exit(main({argv!r}))
"""


@pytest.mark.parametrize("file", ["services.yaml", "services/acme.yaml"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_the_project_is_checked_leaves_every_file_as_it_was(
    tmp_path: Path, signum: int, file: str
) -> None:
    """A real Ctrl-C (SIGINT), or SIGTERM, sent to `new` while it checks the project with
    the record: the data file as it was, and no file or folder it started left behind."""
    root = copy_project(tmp_path / "project")
    before = _tree(root)
    argv = _argv(root, "service", SERVICE, "--file", file)
    script = INTERRUPTED.format(added=ADDED, signum=int(signum), argv=argv)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert _tree(root) == before  # no record, no hidden file, no data/services/ folder
    assert done.returncode == 128 + signum
    assert done.stderr == "\nStopped: nothing was added.\n"
