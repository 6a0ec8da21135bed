"""``python -m generator new``: a valid record added to the right file, the rest untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from generator.errors import DataError
from generator.new import KINDS, add_record
from generator.pipeline import check

from .conftest import TODAY, copy_project

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


def _argv(root: Path, kind: str, values: dict[str, str]) -> list[str]:
    argv = ["--root", str(root), "--today", TODAY.isoformat(), "new", kind]
    for field, value in values.items():
        argv += ["--set", f"{field}={value}"]
    return argv


def test_a_new_service_is_added_after_the_rest_which_is_kept_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path / "project")
    path = root / "data" / "services.yaml"
    before = path.read_text(encoding="utf-8")
    assert main(_argv(root, "service", SERVICE)) == 0
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n") + "\n")
    added = after[len(before.rstrip("\n")) + 1 :]
    assert added.startswith("  # Added by `python -m generator new service` on 2026-11-23")
    assert "  - id: talk-time-drop-in-grays\n" in added
    assert "last_reviewed: 2026-11-23  # set by `new`" in added
    outcome = check(root, TODAY)
    service = next(s for s in outcome.project.services if s.id == "talk-time-drop-in-grays")
    assert service.name == "Talk Time: drop-in (Grays)" and service.access.self_referral
    assert "services/talk-time-drop-in-grays.md" in outcome.pages
    line = after[: after.index("  - id: talk-time")].count("\n") + 1
    assert capsys.readouterr().out == (
        f"ok: added service 'talk-time-drop-in-grays' at data/services.yaml:{line}; "
        "read it through, then run check\n"
    )


def test_a_second_record_of_the_same_name_gets_an_id_of_its_own(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    assert main(_argv(root, "service", SERVICE)) == 0
    assert main(_argv(root, "service", SERVICE)) == 0
    ids = [s.id for s in check(root, TODAY).project.services]
    assert ids[-2:] == ["talk-time-drop-in-grays", "talk-time-drop-in-grays-2"]


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
    key = KINDS[kind][1]
    assert getattr(project, key)[-1].title == OTHERS[kind]["title"]


def test_an_invalid_record_is_refused_and_the_file_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path / "project")
    path = root / "data" / "services.yaml"
    before = path.read_text(encoding="utf-8")
    assert main(_argv(root, "service", {**SERVICE, "levels": "universel"})) == 1
    assert path.read_text(encoding="utf-8") == before
    assert "'universel' is not one of universal, targeted, specialist" in capsys.readouterr().err


def test_a_missing_value_is_named_with_how_to_give_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path / "project")
    values = {k: v for k, v in SERVICE.items() if k != "eligibility"}
    assert main(_argv(root, "service", values)) == 1
    assert "eligibility is needed: give it with --set eligibility=…" in capsys.readouterr().err


def test_it_asks_for_what_is_not_given_and_offers_the_vocabulary(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    asked: list[str] = []

    def answer(question: str) -> str:
        asked.append(question)
        field = next(f for f in KINDS["service"][3] if question.startswith(f.question))
        return SERVICE.get(field.path, "")

    made, _ = add_record(root, "service", {}, TODAY, ask=answer)
    assert made == "talk-time-drop-in-grays"
    assert any("[universal, targeted, specialist]" in q for q in asked)
    assert len(asked) == len(KINDS["service"][3])


def test_an_unknown_field_is_refused(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    with pytest.raises(DataError, match="new service has no field colour"):
        add_record(root, "service", {**SERVICE, "colour": "blue"}, TODAY)


def test_a_new_provider_file_names_its_schema_and_goes_if_its_record_is_refused(
    tmp_path: Path,
) -> None:
    root = copy_project(tmp_path / "project")
    path = root / "data" / "services" / "acme.yaml"
    path.parent.mkdir()
    with pytest.raises(DataError, match="'universel' is not one of"):
        add_record(
            root, "service", {**SERVICE, "levels": "universel"}, TODAY, None, "services/acme.yaml"
        )
    assert not path.exists()  # not left as a file holding only "services:"
    add_record(root, "service", SERVICE, TODAY, None, "services/acme.yaml")
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/services.schema.json"
