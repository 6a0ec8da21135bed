"""``python -m generator check``: ok and exit 0, or every problem on stderr and exit 1."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from generator.pipeline import run

from .conftest import MINIMAL, TODAY, copy_project, write_project

REPO = Path(__file__).resolve().parent.parent


def edited(name: str, old: str, new: str) -> str:
    text = (MINIMAL / "data" / f"{name}.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {name}.yaml"
    return text.replace(old, new)


def bad_project(tmp_path: Path) -> Path:
    return write_project(
        tmp_path,
        services=edited("services", "[targeted, specialist]", "[targetted, specialist]"),
        surveys=edited("surveys", "closes: 2026-04-30", "closes: 2026-02-28"),
    )


BAD_PROJECT_STDERR = (
    "data/services.yaml:24: services[1].levels[0] (the 2nd service, id stammering-clinic):"
    " 'targetted' is not one of universal, targeted, specialist\n"
    "data/surveys.yaml:2: surveys[0] (the 1st survey, id spring-survey): closes (2026-02-28)"
    " before it opens (2026-03-01)\n2 problems found; nothing was built.\n"
)


def test_check_on_valid_data_prints_ok_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(MINIMAL), "--today", "2026-04-01", "check", "--no-cache"]) == 0
    out, err = capsys.readouterr()
    assert out == "ok: 2 services and every other record are valid\n"
    assert err == ""


SURVEY_WARNING = (
    "data/surveys.yaml:2: surveys[0] (the 1st survey, id spring-survey): warning: closed on"
    " 2026-04-30 but has no outcome: publish what you heard and what changed"
)
REVIEW_WARNING = (
    "data/services.yaml:18: services[0].last_reviewed (the 1st service, id advice-line):"
    " warning: overdue for review: last reviewed 2026-09-14, due 2027-09-14 (12 months later)"
)


def test_warnings_are_shown_but_pass_without_strict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(MINIMAL), "--today", "2026-11-23", "check", "--no-cache"]) == 0
    out, err = capsys.readouterr()
    assert out == "ok: 2 services and every other record are valid, with 1 warning\n"
    assert err == f"{SURVEY_WARNING}\n"


def test_check_strict_fails_on_stale_entries_and_missing_outcomes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        main(["--root", str(MINIMAL), "--today", "2027-09-15", "check", "--no-cache", "--strict"])
        == 1
    )
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"{REVIEW_WARNING}\n{SURVEY_WARNING}\n2 warnings; --strict fails on warnings.\n"


def test_check_strict_passes_when_everything_is_current(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        main(["--root", str(MINIMAL), "--today", "2026-04-01", "check", "--no-cache", "--strict"])
        == 0
    )


def test_check_on_bad_data_lists_every_problem_then_a_count_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(bad_project(tmp_path)), "check"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == BAD_PROJECT_STDERR


def test_one_problem_is_counted_in_the_singular(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path, services=edited("services", "min_age: 2", "min_age: two"))
    assert main(["--root", str(root), "check"]) == 1
    assert capsys.readouterr().err == (
        "data/services.yaml:28: services[1].min_age (the 2nd service, id stammering-clinic):"
        " 'two' is not a whole number\n1 problem found; nothing was built.\n"
    )


@pytest.mark.parametrize(
    ("services", "expected"),
    [
        pytest.param(
            "services: " + "[" * 5000 + "]" * 5000 + "\n",
            "data/services.yaml:1: nested too deeply to be a data file",
            id="deep-nesting",
        ),
        pytest.param(
            "a: &a [lol, lol]\nservices: [*a, *a]\n",
            "data/services.yaml:2: anchors and aliases (*name) are not"
            " supported; write the value out",
            id="alias",
        ),
        pytest.param(
            "services:\n\t- id: x\n",
            "data/services.yaml:2: YAML syntax error: a tab is used for indentation;"
            " indent with spaces instead",
            id="tab",
        ),
    ],
)
def test_hostile_yaml_is_a_problem_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], services: str, expected: str
) -> None:
    assert main(["--root", str(write_project(tmp_path, services=services)), "check"]) == 1
    assert capsys.readouterr().err == f"{expected}\n1 problem found; nothing was built.\n"


def test_missing_data_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(tmp_path), "check"]) == 1
    assert capsys.readouterr().err == (
        "data:1: folder is missing; it holds the YAML records\n"
        "1 problem found; nothing was built.\n"
    )


def test_bad_today_setting_is_a_problem_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOCAL_OFFER_TODAY", "23/11/2026")
    assert main(["--root", str(MINIMAL), "check", "--no-cache"]) == 1
    assert capsys.readouterr().err == (
        "LOCAL_OFFER_TODAY:1: '23/11/2026' is not a date written as YYYY-MM-DD\n"
        "1 problem found; nothing was built.\n"
    )


def test_python_m_generator_check_exits_1_without_a_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "LOCAL_OFFER_TODAY"}
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(bad_project(tmp_path)), "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == BAD_PROJECT_STDERR


def test_check_also_renders_so_a_broken_template_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path)
    (root / "theme").mkdir()
    (root / "theme" / "timeline.html").write_text("<h1>Timeline</h1>\n\n{% if %}\n")
    assert main(["--root", str(root), "--today", "2026-04-01", "check"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{root / 'theme' / 'timeline.html'}:3: ")
    assert err.endswith("1 problem found; nothing was built.\n")


def test_build_lists_warnings_apart_and_still_builds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make site` shows what `check` warns about: a stale entry is not hidden by "ok"."""
    root = copy_project(tmp_path / "project")
    site = tmp_path / "out"
    assert (
        main(["--root", str(root), "--today", "2026-11-23", "build", "--site-dir", str(site)]) == 0
    )
    out, err = capsys.readouterr()
    assert out == f"ok: site built into {site}\n"
    lines = err.splitlines()
    assert lines[0] == "1 warning (the pages were made; put these right soon):"
    assert lines[1].startswith("data/services.yaml:") and "warning: overdue for review" in lines[1]


def test_build_strict_builds_nothing_when_there_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path / "project")
    site = tmp_path / "out"
    argv = [
        "--root",
        str(root),
        "--today",
        "2026-11-23",
        "build",
        "--strict",
        "--site-dir",
        str(site),
    ]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.endswith("1 warning; --strict fails on warnings, so nothing was built.\n")
    assert not site.exists()


def test_only_the_processs_own_command_freezes_what_its_run_made(tmp_path: Path) -> None:
    """The command line's run (the process ends with it) freezes the objects it made, so
    the collector never scans them again; a run in a process that runs on (a preview, the
    tests, ``main`` given its arguments) does not, or every cycle it made would stay."""
    root = write_project(tmp_path)
    gc.unfreeze()
    try:
        run(root, TODAY, until="check")
        assert main(["check", "--root", str(root), "--today", TODAY.isoformat()]) == 0
        assert gc.get_freeze_count() == 0
        run(root, TODAY, until="check", one_shot=True)
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()  # this process runs on
