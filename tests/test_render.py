"""Rendered pages, compared with reviewed golden files (``pytest --update-goldens``)."""

from __future__ import annotations

import html as htmllib
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from generator.errors import DataError
from generator.model import FileInfo, build_model, file_info
from generator.pipeline import check
from generator.render import _ids
from generator.sanitise import encode
from generator.validate import load_project

from .conftest import TODAY

FIXTURE = Path(__file__).parent / "fixtures" / "golden"
GOLDEN = Path(__file__).parent / "golden"
SAMPLE = Path(__file__).resolve().parent.parent


def render(root: Path = FIXTURE) -> dict[str, bytes]:
    return check(root, TODAY).pages


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
        golden = (GOLDEN / name).read_bytes().decode()  # as written: .ics lines end in CRLF
        assert data.decode() == golden, f"{name} differs from its golden"


def test_rendering_is_pure_and_repeatable() -> None:
    assert render() == render()


def test_text_reaches_the_builder_with_no_markdown_or_html_syntax_left() -> None:
    assert encode("<b>1. A | B</b> {{ x }} ~~~ *y*") == (
        "&#60;b&#62;1&#46; A &#124; B&#60;&#47;b&#62; &#123;&#123; x &#125;&#125; "
        "&#126;&#126;&#126; &#42;y&#42;"
    )


def test_markdown_fields_lose_scripts_handlers_and_unsafe_links() -> None:
    page = render()["services/tricky-text.md"].decode()
    # a "## heading" in the description: the page's second level, under its <h1>
    assert "<h2>What it is</h2>" in page
    assert "<strong>works</strong>" in page
    assert '<a href="https&#58;&#47;&#47;www&#46;example&#46;org&#47;a">A safe link</a>' in page
    for needle in ("<script", "javascript:", "onclick"):
        assert needle not in page


def test_theme_file_of_the_same_name_overrides_a_template(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    (root / "theme").mkdir()
    (root / "theme" / "service.html").write_text("<h1>{{ service.name }} (our layout)</h1>\n")
    page = render(root)["services/advice-line.md"].decode()
    assert "<h1>Advice line &#40;our layout&#41;</h1>" in page


def test_an_override_that_extends_the_builtin_template_changes_one_block(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    (root / "theme").mkdir()
    (root / "theme" / "service.html").write_text(
        '{% extends "builtin/service.html" %}{% block contact %}<p>Ring us</p>{% endblock %}'
    )
    before = render()["services/advice-line.md"].decode()
    after = render(root)["services/advice-line.md"].decode()
    start = before.index("<h2>Contact</h2>")
    end = before.index(" </div>", start)  # the block sits in a <div> search does not index
    assert after == before[:start] + "<p>Ring us</p>" + before[end + 1 :]


def test_an_undefined_name_in_a_template_is_an_error_not_a_blank(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    (root / "theme").mkdir()
    (root / "theme" / "timeline.html").write_text("<h1>Timeline</h1>\n\n{{ stages_typo }}\n")
    with pytest.raises(DataError) as caught:
        render(root)
    [problem] = caught.value.problems
    assert problem.file.endswith("theme/timeline.html")
    assert problem.line == 3
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
    project = load_project(FIXTURE)
    project.surveys[0] = survey
    assert build_model(project, TODAY).surveys[0].state == state


def test_review_falls_due_after_the_configured_months() -> None:
    service = (
        load_project(FIXTURE).services[0].model_copy(update={"last_reviewed": date(2025, 11, 30)})
    )
    assert service.review_due_after(12) == date(2026, 11, 30)
    assert service.review_due_after(3) == date(2026, 2, 28)


def test_hand_written_pages_are_rendered_with_their_title_on_top(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    (root / "content" / "about.md").write_text(
        "---\ntitle: About us\ndescription: Who we are\n---\n\n# About\n\nText.\n"
    )
    page = render(root)["about.md"].decode()
    assert page.startswith(
        '---\ntitle: "About us"\ndescription: "Who we are"\n---\n\n<!-- Copied from content/'
    )
    assert '<h1 id="about">About</h1> <p>Text&#46;</p> </div> <hr>' in page  # body, footer


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
        "content/services/advice-line.md:1: would have the same address as the page "
        "services/advice-line.md (from data/services.yaml:2); rename one",
        "content/timeline.md:1: would have the same address as the page timeline.md "
        "(from (built-in page):1); rename one",
    ]


def test_a_survey_not_yet_open_promises_no_link_it_does_not_show() -> None:
    """It said "The link will work from…", with no link anywhere on the page."""
    raw = render(SAMPLE)["surveys.md"].decode()
    page = htmllib.unescape(re.sub(r"&#(\d+);", lambda m: chr(int(m[1])), raw))
    assert "You can take part from 15 February 2027, when the link will be on this page" in page
    assert "link will work" not in page


@pytest.mark.parametrize(
    "html",
    [
        '<p id="a">',
        '<p data-lo-id="b">',
        'xid="c"',
        '_id="d"',
        '\u00e9id="e"',
        'id="f"',
        '"id="g"',
        '<a id="">',
        '<div id="h" class="x"><span\nid="i">',
    ],
)
def test_a_pages_ids_are_found_where_id_starts_a_word(html: str) -> None:
    """``_ids`` finds what ``\\bid="…"`` finds, by a search that starts from the literal."""
    assert _ids(html) == frozenset(re.findall(r'\bid="([^"]+)"', html))
