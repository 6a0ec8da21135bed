"""Pages made on two cores (``generator.parallel``) are the pages one process makes, byte for
byte, with the same problems and the same memo for the next run; the first failure in the
pages' order is the one raised, whichever process met it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import generator.parallel as parallel
from generator.errors import DataError, Problem
from generator.links import broken_links
from generator.memo import Memo
from generator.parallel import in_two, in_two_steps
from generator.pipeline import run

from .conftest import TODAY, copy_project

#: What the memo keeps for a later run, compared between the two ways.
KEPT = ("parsed", "rendered", "links", "bodies", "html", "held", "used_rendered", "used_bodies")


def forking(monkeypatch: pytest.MonkeyPatch, fork: bool = True) -> None:
    """Whether ``in_two`` forks from now on (or never): from two items (the sample has a
    few hundred pages), even while another test's idle thread is left running (a
    server's), and on a machine of one core."""
    monkeypatch.setattr(parallel, "FORK_FROM", 2)
    monkeypatch.setattr(parallel, "_alone", lambda: fork)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # as on a machine of one core too
    monkeypatch.setattr(parallel, "_LINUX", True)


def made(root: Path, *, fork: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[object, Memo]:
    """The pages a run of ``root`` generates (or its problems), and the memo it leaves."""
    forking(monkeypatch, fork)
    memo = Memo(across_runs=True)
    try:
        outcome: object = run(root, TODAY, until="check", memo=memo).pages
    except DataError as exc:
        outcome = [str(p) for p in exc.problems]
    return outcome, memo


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("parallel"))


def test_two_processes_make_the_pages_and_memo_one_makes(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone, alone_memo = made(project, fork=False, monkeypatch=monkeypatch)
    both, both_memo = made(project, fork=True, monkeypatch=monkeypatch)
    assert isinstance(alone, dict) and len(alone) > 100
    assert both == alone
    for name in KEPT:
        assert getattr(both_memo, name) == getattr(alone_memo, name), name
    assert both_memo.changed and both_memo.bodies_new == set(both_memo.bodies)


def test_two_processes_report_the_problems_one_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_project(tmp_path / "project")
    page = root / "content" / "glossary.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\n[Nowhere](no-such-page.md#here)\n", encoding="utf-8")
    alone, _ = made(root, fork=False, monkeypatch=monkeypatch)
    both, _ = made(root, fork=True, monkeypatch=monkeypatch)
    assert isinstance(alone, list) and any("no-such-page.md" in p for p in alone)
    assert both == alone


def failing(item: int) -> int:
    """Fails at 3 and at 6 (an odd item is made in the copy, an even one here)."""
    if item in (3, 6):
        raise DataError([Problem("data/x.yaml", item, "", f"item {item}")])
    return item * 10


def test_the_first_failure_in_order_is_raised_wherever_it_was_met(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forking(monkeypatch)
    assert in_two(list(range(9)), lambda i: i * 10, Memo()) == [i * 10 for i in range(9)]
    where = in_two(list(range(6)), lambda i: os.getpid(), Memo())
    assert where[0::2] == [os.getpid()] * 3  # the even items here ...
    assert len(set(where[1::2])) == 1 and where[1] != os.getpid()  # ... the odd in one copy
    with pytest.raises(DataError) as info:
        in_two(list(range(9)), failing, Memo())
    assert [p.line for p in info.value.problems] == [3]  # met in the copy, before 6 here
    with pytest.raises(DataError) as info:
        in_two([6, 1, 2, 3], failing, Memo())
    assert [p.line for p in info.value.problems] == [6]  # met here, before 3 in the copy


def broken(item: int) -> int:
    if item == 1:
        raise ValueError("a fault of ours")
    return item


def test_a_fault_in_the_copy_is_raised_here(monkeypatch: pytest.MonkeyPatch) -> None:
    forking(monkeypatch)
    with pytest.raises(RuntimeError, match="a fault of ours"):
        in_two([0, 1, 2], broken, Memo())


def test_the_built_sites_links_are_checked_on_two_cores_as_on_one(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    pages = sorted(site.rglob("index.html"))
    for page, link in ((pages[3], "../no-such-page/"), (pages[-2], "#no-such-section")):
        html = page.read_text(encoding="utf-8")
        page.write_text(html.replace("</main>", f'<a href="{link}">x</a></main>', 1), "utf-8")
    forking(monkeypatch, fork=False)
    alone = broken_links(site)
    forking(monkeypatch)
    assert broken_links(site) == alone
    assert len(alone) == 2 and "no-such-page" in alone[0] + alone[1]


def test_two_steps_give_what_one_process_gives_and_the_first_failure_of_the_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The second step of each item sees what ``between`` made of every item's first."""
    forking(monkeypatch)

    def steps(items: list[int], first: object) -> list[tuple[int, int, int]]:
        return in_two_steps(
            items,
            first,
            lambda made: made,
            sum,
            lambda i, made, total: (made, total, os.getpid()),
            Memo(),
        )

    done = steps(list(range(7)), lambda i: i * 10)
    assert [(made, total) for made, total, _ in done] == [(i * 10, 210) for i in range(7)]
    assert done[1][2] != os.getpid() == done[0][2]  # the odd items' second step in the copy
    for items, line in ((list(range(9)), 3), ([6, 1, 2, 3], 6)):
        with pytest.raises(DataError) as info:
            steps(items, failing)
        assert [p.line for p in info.value.problems] == [line]
    with pytest.raises(RuntimeError, match="a fault of ours"):
        steps([0, 1, 2], broken)
