"""Rendered pages, compared with reviewed golden files (``pytest --update-goldens``)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from generator.errors import DataError
from generator.render import FileInfo, environment, file_info, render_site, survey_state, text
from generator.validate import load_project

from .conftest import TODAY

FIXTURE = Path(__file__).parent / "fixtures" / "golden"
GOLDEN = Path(__file__).parent / "golden"


def render(root: Path = FIXTURE) -> dict[str, bytes]:
    return render_site(load_project(root), TODAY, environment(root))


def test_pages_match_the_golden_files(request: pytest.FixtureRequest) -> None:
    pages = render()
    if request.config.getoption("--update-goldens"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, data in pages.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
    expected = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(pages) == sorted(expected)
    for name, data in pages.items():
        assert data.decode() == (GOLDEN / name).read_text(), f"{name} differs from its golden"


def test_rendering_is_pure_and_repeatable() -> None:
    assert render() == render()


def test_plain_text_is_escaped_for_markdown_and_html() -> None:
    assert text("<b>1. A | B</b> {{ x }}\n  *y*") == (
        r"&lt;b&gt;1\. A \| B&lt;/b&gt; \{\{ x \}\} \*y\*"
    )


def test_markdown_fields_lose_scripts_handlers_and_unsafe_links() -> None:
    page = render()["services/tricky-text.md"].decode()
    assert "<h3>What it is</h3>" in page
    assert "<strong>works</strong>" in page
    assert '<a href="https://www.example.org/a">A safe link</a>' in page
    for needle in ("<script", "javascript:", "onclick"):
        assert needle not in page


def test_theme_file_of_the_same_name_overrides_a_template(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    (root / "theme").mkdir()
    (root / "theme" / "service.md").write_text("# {{ service.name|text }} (our layout)\n")
    page = render(root)["services/advice-line.md"].decode()
    assert "# Advice line (our layout)" in page


def test_an_undefined_name_in_a_template_is_an_error_not_a_blank(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    (root / "theme").mkdir()
    (root / "theme" / "timeline.md").write_text("# Timeline\n\n{{ stages_typo }}\n")
    with pytest.raises(DataError) as caught:
        render(root)
    [problem] = caught.value.problems
    assert problem.file.endswith("theme/timeline.md")
    assert "'stages_typo' is undefined" in problem.message


@pytest.mark.parametrize(
    ("opens", "closes", "state"),
    [
        (date(2026, 11, 24), date(2026, 12, 1), "upcoming"),
        (date(2026, 11, 23), date(2026, 11, 23), "open"),
        (date(2026, 1, 1), date(2026, 11, 22), "closed"),
    ],
)
def test_survey_state_follows_today(opens: date, closes: date, state: str) -> None:
    survey = load_project(FIXTURE).surveys[0].model_copy(update={"opens": opens, "closes": closes})
    assert survey_state(survey, TODAY) == state


def test_review_falls_due_after_the_configured_months() -> None:
    service = (
        load_project(FIXTURE).services[0].model_copy(update={"last_reviewed": date(2025, 11, 30)})
    )
    assert service.review_due(12) == date(2026, 11, 30)
    assert service.review_due(3) == date(2026, 2, 28)


def test_hand_written_pages_keep_front_matter_on_top(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    (root / "content" / "about.md").write_text("---\ntitle: About us\n---\n\n# About\n\nText.\n")
    page = render(root)["about.md"].decode()
    assert page.startswith("---\ntitle: About us\n---\n\n# About\n\n<!-- Copied from content/")
    assert "\n\nText.\n\n---\n\n" in page  # then the body, then the common footer


@pytest.mark.parametrize(
    ("path", "size", "kind", "shown"),
    [
        ("documents/plan.pdf", 1_468_006, "PDF", "1.4 MB"),
        ("documents/Notes.DOCX", 20_480, "Word document", "20.0 KB"),
        ("data.xyz", 300, "XYZ", "300 bytes"),
        ("documents/guide.md", 9_000, "Web page", None),
    ],
)
def test_download_links_say_what_and_how_big(path: str, size: int, kind: str, shown: str) -> None:
    assert file_info(path, size) == FileInfo(kind, shown)


def test_a_hand_written_page_cannot_take_a_generated_pages_place(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    (root / "content" / "services").mkdir()
    (root / "content" / "services" / "advice-line.md").write_text("# Mine\n")
    (root / "content" / "timeline.md").write_text("# Mine too\n")
    with pytest.raises(DataError) as caught:
        render(root)
    assert [str(p) for p in caught.value.problems] == [
        "content/services/advice-line.md:1: has the name of a generated page; rename or move it",
        "content/timeline.md:1: has the name of a generated page; rename or move it",
    ]
