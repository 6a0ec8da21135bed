"""The whole pipeline on the sample project: every page exists, builds are strict and safe."""

from __future__ import annotations

import hashlib
import os
import posixpath
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from generator.build import BuildError
from generator.model import build_model
from generator.pipeline import build_site, generate
from generator.search import Indexing
from generator.validate import load_project

from .conftest import ROOT, TODAY, copy_project, load_synthetic, parse

SAMPLE = load_project(ROOT)


def site_hash(site: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(site.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(site).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LOCAL_OFFER_TODAY": TODAY.isoformat()}
    return subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
    )


def test_sample_site_has_every_page(sample_site: Path) -> None:
    expected = [
        "index.html",
        "404.html",
        "timeline/index.html",
        "documents/index.html",
        "surveys/index.html",
        "updates/index.html",
        "services/index.html",
        "balanced-system/index.html",
        "accessibility/index.html",
        "other-formats/index.html",
        "glossary/index.html",
        *(f"audiences/{a.id}/index.html" for a in SAMPLE.vocabularies.audiences),
        *(f"services/{s.id}/index.html" for s in SAMPLE.services),
        *(f"updates/{u.id}/index.html" for u in SAMPLE.updates),
    ]
    missing = [page for page in expected if not (sample_site / page).is_file()]
    assert missing == []


def test_sample_meets_the_issue_figures() -> None:
    assert len(SAMPLE.services) >= 15
    assert {s.discipline for s in SAMPLE.services} == {
        t.id for t in SAMPLE.vocabularies.disciplines
    }
    assert {lv for s in SAMPLE.services for lv in s.levels} == {
        "universal",
        "targeted",
        "specialist",
    }
    assert {a for s in SAMPLE.services for a in s.areas} == {"essex", "southend", "thurrock"}
    assert (len(SAMPLE.timeline), len(SAMPLE.updates), len(SAMPLE.documents)) == (3, 4, 4)
    states = sorted(s.state for s in build_model(SAMPLE, TODAY).surveys)
    assert states == ["closed", "open", "upcoming"]
    assert [s.outcome is not None for s in SAMPLE.surveys if s.closes < TODAY] == [True]


def test_every_running_service_sits_on_the_balanced_system_grid(sample_site: Path) -> None:
    grid = parse((sample_site / "balanced-system" / "index.html").read_text())["href"]
    assert any(s.status != "active" for s in SAMPLE.services)  # one is closed, and left out
    for service in SAMPLE.services:
        assert (f"../services/{service.id}/" in grid) == (service.status == "active")


def test_audience_pages_gather_their_services(sample_site: Path) -> None:
    """Each audience's page, with the lists it links to for each kind of help (a page
    shows the first few of each), reaches exactly its running services."""
    for audience in SAMPLE.vocabularies.audiences:
        folder = sample_site / "audiences" / audience.id
        reached = set()
        for page in [folder / "index.html", *folder.glob("*/index.html")]:
            here = page.parent.relative_to(sample_site).as_posix()
            for href in parse(page.read_text())["href"]:
                reached.add(posixpath.normpath(posixpath.join(here, href)))
        for service in SAMPLE.services:
            linked = f"services/{service.id}" in reached
            mine = audience.id in service.audiences and service.status == "active"
            assert linked == mine, (audience.id, service.id)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def test_generated_pages_carry_a_banner_and_follow_the_data(project: Path) -> None:
    docs = project / "build" / "docs"
    generate(project, TODAY)
    first = SAMPLE.services[0].id
    page = (docs / "services" / f"{first}.md").read_text()
    assert "\n<!-- Generated from data/services.yaml by the Local Offer generator" in page

    data = yaml.safe_load((project / "data" / "services.yaml").read_text())
    data["services"] = [s for s in data["services"] if s["id"] != first]
    (project / "data" / "services.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    comments = yaml.safe_load((project / "data" / "comments.yaml").read_text())
    for comment in comments["comments"]:  # a person would say what they are about now
        about = comment.get("about", [])
        about = [about] if isinstance(about, str) else about  # one id, or a list of them
        if first in about:
            comment["about"] = [i for i in about if i != first]
            comment["theme"] = comment["theme"] if comment["about"] else "content"
    (project / "data" / "comments.yaml").write_text(yaml.safe_dump(comments, sort_keys=False))
    coverage = yaml.safe_load((project / "data" / "coverage.yaml").read_text())
    for entry in coverage["coverage"]["items"]:  # and what answers the law's items now
        entry["answered_by"] = [a for a in entry.get("answered_by", []) if a != f"service:{first}"]
        if not entry["answered_by"] and not entry.get("elsewhere"):
            entry["elsewhere"] = {"title": "Our main page", "url": "https://www.example.org/"}
    (project / "data" / "coverage.yaml").write_text(yaml.safe_dump(coverage, sort_keys=False))
    generate(project, TODAY)
    assert not (docs / "services" / f"{first}.md").exists()
    assert (docs / "services" / f"{SAMPLE.services[1].id}.md").exists()


def test_generate_rewrites_only_changed_pages(project: Path) -> None:
    docs = project / "build" / "docs"
    generate(project, TODAY)
    before = {p: p.stat().st_mtime_ns for p in docs.rglob("*.md")}
    generate(project, TODAY)
    assert {p: p.stat().st_mtime_ns for p in docs.rglob("*.md")} == before


def leftovers(project: Path) -> list[str]:
    """What a build left beside the site but the spare (``build._set_aside``), which an
    incremental build keeps for the next one: its staging, search or old folders."""
    return sorted(
        p.name for p in project.iterdir() if p.name.startswith(".site") and p.name != ".site.spare"
    )


def test_bad_data_leaves_the_previous_site_untouched(project: Path) -> None:
    built = run_cli(project, "build")
    assert built.returncode == 0, built.stderr
    before = site_hash(project / "site")

    services = project / "data" / "services.yaml"
    text = services.read_text()
    assert "levels: universal\n" in text
    services.write_text(text.replace("levels: universal\n", "levels: universel\n", 1))
    failed = run_cli(project, "build")

    assert failed.returncode == 1
    assert "data/services.yaml:" in failed.stderr
    assert "'universel' is not one of universal, targeted, specialist" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert site_hash(project / "site") == before
    assert leftovers(project) == []


def test_a_strict_build_failure_leaves_the_previous_site_untouched(project: Path) -> None:
    build_site(project, today=TODAY)
    before = site_hash(project / "site")
    main = project / "theme" / "main.html"
    main.write_text(main.read_text() + '{% block extrahead %}<a href="gone/">x</a>{% endblock %}')

    with pytest.raises(BuildError, match=r"gone/"):
        build_site(project, today=TODAY)
    assert site_hash(project / "site") == before
    assert leftovers(project) == []


def test_an_index_still_being_made_is_stopped_and_removed(tmp_path: Path) -> None:
    """A build that fails while Pagefind indexes beside it (``search.Indexing``) ends
    Pagefind and removes what it had written."""
    pages = tmp_path / "pages"
    for n in range(300):
        page = pages / f"p{n}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            f"<html><body><div data-pagefind-body><h1>Page {n}</h1></div></body></html>"
        )
    indexing = Indexing(pages, tmp_path / "index")
    indexing.stop()
    assert indexing.process.poll() is not None  # ended, not left running
    assert not (tmp_path / "index").exists()
    finished = Indexing(pages, tmp_path / "whole")
    finished.finish()  # and one left to finish is whole
    assert (tmp_path / "whole" / "pagefind.js").is_file()


def _ours(root: Path) -> list[str]:
    """The command lines of the processes at work on ``root`` (a builder, Pagefind)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue  # ended meanwhile
            if str(root) in line:
                found.append(line)
    return found


def _until(ready: Callable[[], bool], seconds: float) -> bool:
    end = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux's /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_a_build_stopped_midway_leaves_the_site_and_nothing_at_work(
    tmp_path: Path, signum: int
) -> None:
    """A build stopped while its builder and Pagefind work (SIGTERM, as a CI job cancelled;
    SIGKILL) leaves the published site as it was, and neither of them at work writing
    beside it: with SIGTERM the build ends them and clears its folders and says so in one
    line; killed outright, the system ends them (``parallel.dies_with_parent``), and the
    next build clears what they left and makes the site a clean build makes."""
    root = load_synthetic().write_project(tmp_path / "county", 300, buildable=True)
    assert run_cli(root, "build").returncode == 0
    before = site_hash(root / "site")
    env = {**os.environ, "LOCAL_OFFER_TODAY": TODAY.isoformat()}
    command = [sys.executable, "-m", "generator", "--root", str(root), "build", "--no-cache"]
    build = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    at_work = lambda: any("pagefind" in line for line in _ours(root))  # noqa: E731
    assert _until(at_work, 120), "Pagefind never started"
    build.send_signal(signum)
    _, said = build.communicate(timeout=60)
    assert build.returncode == (128 + signum if signum == signal.SIGTERM else -signum)
    if signum == signal.SIGTERM:
        assert said.splitlines()[-1].startswith("Stopped: the site is as it was"), said
        assert "Traceback" not in said
    assert _until(lambda: not _ours(root), 1), _ours(root)  # nothing left at work
    assert site_hash(root / "site") == before
    assert run_cli(root, "build").returncode == 0
    assert leftovers(root) == []
    assert site_hash(root / "site") == site_hash(build_site(root, tmp_path / "clean", TODAY))


def mkdocs(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Plain ``mkdocs build --strict ARGS`` in ``project``, as an editor would run it."""
    env = {**os.environ, "LOCAL_OFFER_TODAY": TODAY.isoformat(), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )


def test_plain_mkdocs_build_runs_the_generator_through_the_plugin(project: Path) -> None:
    result = mkdocs(project)
    assert result.returncode == 0, result.stderr
    assert (project / "site" / "services" / SAMPLE.services[0].id / "index.html").is_file()


def test_plain_mkdocs_build_reports_data_problems_without_a_traceback(project: Path) -> None:
    (project / "data" / "updates.yaml").write_text("updates:\n  - id: Bad Id\n")
    result = mkdocs(project)
    assert result.returncode == 1
    assert "data/updates.yaml:2: updates[0].id (the 1st update): 'Bad Id' is not an id" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_text_typed_into_yaml_is_shown_literally(project: Path) -> None:
    services = project / "data" / "services.yaml"
    data = yaml.safe_load(services.read_text())
    data["services"][0]["name"] = (
        "</title><script>alert(1)</script> | {{ x }} {% y %} **bold** [a](b)"
    )
    data["services"][0]["description"] = (
        "Fine *markdown*.\n\n<script>alert(2)</script>\n\n[x](javascript:alert(3))"
        '\n\n<img src=x onerror="alert(4)">'
    )
    services.write_text(yaml.safe_dump(data, sort_keys=False))
    site = build_site(project, today=TODAY)
    html = (site / "services" / data["services"][0]["id"] / "index.html").read_text()
    read = parse(html)
    shown = "</title><script>alert(1)</script> | {{ x }} {% y %} **bold** [a](b)"
    assert read["h1"] == [shown]
    assert read["title"] == [f"{shown} - Balanced System® Therapies Project"]
    assert "<em>markdown</em>" in html
    for needle in ("<script>alert", "javascript:", "onerror"):
        assert needle not in html


def test_build_generates_once_and_the_plugin_trusts_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plugin inside the builder skips its own pass when ``build`` has just generated."""
    from generator.plugin import LocalOfferPlugin
    from generator.write import PAGES_READY

    docs = (project / "build" / "docs").resolve()
    calls: list[Path] = []

    def run(root: Path, **options: object) -> object:
        calls.append(options["docs_dir"])  # type: ignore[arg-type]
        return type("Outcome", (), {"site": build_model(SAMPLE, TODAY), "pages": {}})

    monkeypatch.setattr("generator.plugin.run", run)

    class Config(dict):  # type: ignore[type-arg]
        __getattr__ = dict.__getitem__

    config = Config(docs_dir=str(docs), config_file_path=str(project / "x"), nav=None)
    monkeypatch.setenv(PAGES_READY, str(docs))
    LocalOfferPlugin().on_config(config)
    assert calls == []
    monkeypatch.setenv(PAGES_READY, str(docs.parent / "elsewhere"))
    LocalOfferPlugin().on_config(config)
    assert calls == [docs]
    assert config.nav[0] == {"Home": "index.md"}  # the menu comes from the data
