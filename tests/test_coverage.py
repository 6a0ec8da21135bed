"""What this Local Offer covers: each item of Schedule 2 of the SEND Regulations 2014
(``generator/schedule2.yaml``), what answers it (``data/coverage.yaml``), ``check
--coverage``'s table and the page ``covers.md``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import models
from generator.cli import main
from generator.pipeline import check

from .conftest import ROOT, TODAY, copy_project, problems

TRAVEL = (
    "elsewhere  Getting to school or college: Your council's main Local Offer "
    "(https://www.example.org/local-offer)"
)


def edit(root: Path, old: str, new: str) -> None:
    path = root / "data" / "coverage.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def table(root: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["--root", str(root), "--today", TODAY.isoformat(), "check", "--coverage"]) == 0
    out = capsys.readouterr().out.splitlines()
    return out[out.index("What this Local Offer covers (Schedule 2):") + 1 :]


def test_the_reference_file_is_sound() -> None:
    items = models.schedule2()
    assert 12 <= len(items) <= 20
    assert len({i.id for i in items}) == len(items)
    assert {"health", "travel", "ehc-needs-assessment", "complaints"} <= {i.id for i in items}


def test_the_sample_answers_every_item(capsys: pytest.CaptureFixture[str]) -> None:
    lines = table(ROOT, capsys)
    assert len(lines) == len(models.schedule2()) + 1
    assert TRAVEL in lines
    assert lines[-1] == "18 items of Schedule 2: 9 answered here, 9 elsewhere, 0 missing"
    assert not any(line.startswith("missing") for line in lines)


def test_an_item_with_no_answer_is_named_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path)
    edit(
        root,
        "    - item: advice-and-support\n      answered_by:\n        - https://www.example.org/sendiass\n",
        "",
    )
    lines = table(root, capsys)
    assert (
        "missing    Free, impartial advice and support: nothing answers it "
        "(Schedule 2, paragraph 15)"
    ) in lines
    assert lines[-1] == "18 items of Schedule 2: 8 answered here, 9 elsewhere, 1 missing"
    page = check(root, TODAY).pages["covers.md"].decode()
    section = page[page.index('id="advice&#45;and&#45;support"') :]
    section = section[: section.index("<h2")]
    assert "This website does not cover this" in section
    assert 'href="https&#58;&#47;&#47;www&#46;example&#46;org&#47;local&#45;offer"' in section


def test_an_unknown_item_and_a_missing_service_are_refused_at_their_lines(
    tmp_path: Path,
) -> None:
    root = copy_project(tmp_path)
    edit(root, "    - item: travel\n", "    - item: travl\n")
    edit(root, "        - service:physiotherapy-advice-line\n", "        - service:no-such-line\n")
    edit(root, "        - page:glossary.md\n", "        - page:words.md\n")
    found = problems(root)
    lines = (root / "data" / "coverage.yaml").read_text(encoding="utf-8").splitlines()
    at = {name: lines.index(text) + 1 for name, text in (
        ("item", "    - item: travl"),
        ("service", "        - service:no-such-line"),
        ("page", "        - page:words.md"),
    )}  # fmt: skip
    assert found == [  # in the order of the file
        f"data/coverage.yaml:{at['service']}: coverage.items[8].answered_by[1] (the 9th item): "
        "there is no service with the id 'no-such-line'",
        f"data/coverage.yaml:{at['page']}: coverage.items[8].answered_by[4] (the 9th item): "
        "'words.md' is not a page in content/",
        f"data/coverage.yaml:{at['item']}: coverage.items[10].item (the 11th item): 'travl' is "
        "not an item of Schedule 2; did you mean 'travel'?",
    ]


def test_the_page_lists_every_item_and_links_each_to_its_answer() -> None:
    outcome = check(ROOT, TODAY)
    page = outcome.pages["covers.md"].decode()
    headings = re.findall(r"<h2 id=\"[^\"]+\">([^<]+)</h2>", page)
    assert [h.replace("&#44;", ",") for h in headings] == [i.title for i in models.schedule2()]
    for item, entry in outcome.project.coverage.rows():
        assert entry is not None, item.id
        start = page.index(f'<h2 id="{item.id.replace("-", "&#45;")}">')
        end = page.find("<h2", start + 1)
        section = page[start : end if end > 0 else page.index("This is set out in Schedule 2")]
        links = re.findall(r'<a href="([^"]+)"', section)
        assert len(links) == len(entry.answered_by) + (entry.elsewhere is not None), item.id
    health = page[page.index('id="health"') :]
    assert 'href="&#46;&#46;&#47;services&#47;physiotherapy&#45;advice&#45;line&#47;"' in health
    assert 'href="&#46;&#46;&#47;glossary&#47;"' in health
    assert "What this Local Offer covers" in page
