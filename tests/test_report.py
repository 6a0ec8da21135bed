"""The annual Local Offer report: its figures against counts taken from the data itself,
the git history case, the page it writes, and how it prints."""

from __future__ import annotations

import calendar
import html
import itertools
import os
import re
import subprocess
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser

from generator.cli import main
from generator.load import load_all
from generator.model import _COMMENT_STATUS, _THEME_WORDS, build_model
from generator.report import Figures, figures, history, write_report
from generator.validate import validate

from .conftest import copy_project, write_project

YEAR = 2026
TODAY = date(2026, 11, 23)


def _data(root: Path, name: str) -> Any:
    return yaml.safe_load((root / "data" / f"{name}.yaml").read_text(encoding="utf-8"))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _due(reviewed: date, months: int) -> date:
    total = reviewed.month - 1 + months
    year, month = reviewed.year + total // 12, total % 12 + 1
    return date(year, month, min(reviewed.day, calendar.monthrange(year, month)[1]))


def _figures(root: Path) -> Figures:
    site = build_model(validate(load_all(root)), TODAY)
    return figures(site, YEAR, None)


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample project, outside any git repository."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    return copy_project(tmp_path / "project")


def test_figures_are_the_data_counted(sample: Path) -> None:
    services = _data(sample, "services")["services"]
    months = _data(sample, "site")["site"]["review_months"]
    found = _figures(sample)

    assert len(found.reviewed) == sum(s["last_reviewed"].year == YEAR for s in services)
    assert len(found.overdue) == sum(_due(s["last_reviewed"], months) < TODAY for s in services)
    assert len(found.not_running) == sum(s.get("status", "active") != "active" for s in services)
    surveys = _data(sample, "surveys")["surveys"]
    open_in_year = [s for s in surveys if s["opens"].year <= YEAR <= s["closes"].year]
    assert len(found.surveys) == len(open_in_year) > 0
    assert found.outcomes_missing == sum(
        "outcome" not in s and s["closes"] < TODAY for s in open_in_year
    )
    comments = [c for c in _data(sample, "comments")["comments"] if c["received"].year == YEAR]
    assert found.themes == {
        _THEME_WORDS[k]: n for k, n in Counter(c["theme"] for c in comments).items()
    }
    assert found.statuses == {
        _COMMENT_STATUS[k][0]: n for k, n in Counter(c["status"] for c in comments).items()
    }
    assert found.comments == len(comments) > 0
    assert not found.history and found.added == found.changed == found.retired == ()


def test_grid_gaps_are_the_cells_no_running_service_fills(sample: Path) -> None:
    vocab = _data(sample, "vocabularies")["vocabularies"]
    running = [
        s for s in _data(sample, "services")["services"] if s.get("status", "active") == "active"
    ]
    expected = {
        (strand["name"], level["name"], area["name"])
        for strand in vocab["strands"]
        for level in vocab["levels"]
        for area in vocab["areas"]
        if not any(
            strand["id"] in _as_list(s["strands"])
            and level["id"] in _as_list(s["levels"])
            and area["id"] in _as_list(s["areas"])
            for s in running
        )
    }
    found = _figures(sample)
    assert {(g.strand, g.level, g.area) for g in found.gaps} == expected
    assert len(found.gaps) == len(expected)

    written = write_report(sample, YEAR, TODAY)
    assert written == sample / "build" / f"report-{YEAR}.html"
    page = written.read_text(encoding="utf-8")
    for strand, level, area in expected:
        row = f'<th scope="row">{html.escape(strand)}</th><td>{html.escape(level)}</td>'
        assert f"{row}<td>{html.escape(area)}</td>" in page


def test_without_git_the_report_says_history_is_not_available(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = sample / "annual.html"
    code = main(["report", "--year", "2026", "--root", str(sample), "--today",
                 TODAY.isoformat(), "--out", str(out)])  # fmt: skip
    assert code == 0
    assert str(out) in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    assert "History not available" in page
    assert "<script" not in page and "http://" not in page and "<link" not in page
    headings = [int(h) for h in re.findall(r"<h([1-6])", page)]
    assert headings[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(headings))
    assert "<th scope" in page and "<th>" not in page


def _git(root: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=root, env=env, check=True, capture_output=True,
    )  # fmt: skip


def test_git_history_gives_services_added_and_retired(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = write_project(tmp_path)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "before", when="2025-12-01T12:00:00+00:00")
    path = root / "data" / "services.yaml"
    text = path.read_text(encoding="utf-8")
    first = text.split("  - id: stammering-clinic")[0]
    added = (
        first.split("services:\n", 1)[1]
        .replace("advice-line", "new-line")
        .replace("name: Advice line", "name: New line")
    )
    text = text.replace("    name: Stammering clinic\n", "    name: Stammering clinic\n"
                        "    status: defunct\n")  # fmt: skip
    path.write_text(text + "\n" + added, encoding="utf-8")
    _git(root, "commit", "-q", "-am", "in the year", when="2026-06-01T12:00:00+00:00")

    found = figures(build_model(validate(load_all(root)), TODAY), YEAR, history(root, YEAR))
    assert found.history
    assert found.added == ("New line",)
    assert found.retired == ("Stammering clinic",)
    assert found.changed == ()
    page = write_report(root, YEAR, TODAY).read_text(encoding="utf-8")
    assert "History not available" not in page and "New line" in page


@pytest.mark.parametrize("year", ["twenty", "1969", "2031", "20266"])
def test_a_bad_year_is_one_located_line(
    sample: Path, year: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["report", "--year", year, "--root", str(sample), "--today", TODAY.isoformat()])
    assert code == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("--year:1: ") and year in err[0]
    assert "Traceback" not in "\n".join(err)


def test_the_report_prints_to_pdf(sample: Path, browser: Browser) -> None:
    written = write_report(sample, YEAR, TODAY)
    page = browser.new_page()
    try:
        page.goto(written.as_uri())
        page.emulate_media(media="print")
        tables = page.locator("table")
        assert tables.count() >= 3
        for n in range(tables.count()):
            assert tables.nth(n).is_visible()
        pdf = page.pdf(format="A4")
    finally:
        page.close()
    assert len(pdf) > 1000 and pdf.startswith(b"%PDF")
