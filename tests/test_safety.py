"""No failed build loses the site; every built link resolves; builds are reproducible."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.build import BuildError
from generator.headers import read_headers
from generator.links import broken_links
from generator.pipeline import build_site

from .conftest import TODAY, copy_project
from .test_build import leftovers, site_hash


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the sample project, built once."""
    project = copy_project(tmp_path_factory.mktemp("safety") / "project")
    build_site(project, today=TODAY)
    return project


def debris(project: Path) -> list[str]:
    names = [p.name for p in project.iterdir() if p.name.startswith(".zensical")]
    return sorted(
        [
            *names,
            *leftovers(project),
            *(p.name for p in (project / "build").glob("zensical-site-*")),
        ]
    )


def test_a_build_killed_midway_leaves_the_site_and_the_next_build_tidies_up(built: Path) -> None:
    before = site_hash(built / "site")
    env = {**os.environ, "LOCAL_OFFER_TODAY": TODAY.isoformat()}
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build"],
        cwd=built,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not any((built / name / "index.html").exists() for name in debris(built)):
        assert process.poll() is None, "the build finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)  # the CLI and the builder it started
    process.wait()

    assert site_hash(built / "site") == before
    assert debris(built) != []  # a half-written site was really there…
    build_site(built, today=TODAY)
    assert debris(built) == []  # …and the next build cleared it away
    assert site_hash(built / "site") == before


def test_a_build_killed_between_the_two_renames_gets_its_site_back(built: Path) -> None:
    before = site_hash(built / "site")
    os.replace(built / "site", built / ".site.old-99999")  # killed right after the first rename
    page = built / "theme" / "main.html"
    text = page.read_text()
    page.write_text(text + '{% block extrahead %}<a href="missing/">x</a>{% endblock %}')
    try:
        with pytest.raises(BuildError):
            build_site(built, today=TODAY)
    finally:
        page.write_text(text)
    assert site_hash(built / "site") == before
    assert debris(built) == []


def test_two_builds_of_the_same_inputs_are_byte_identical(built: Path, tmp_path: Path) -> None:
    again = build_site(built, site_dir=tmp_path / "again", today=TODAY)
    assert site_hash(again) == site_hash(built / "site")


def test_the_built_sample_has_no_broken_links(built: Path) -> None:
    assert broken_links(built / "site") == []


def test_broken_files_and_anchors_are_found(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<h2 id="here">x</h2><a href="a/">ok</a><a href="#here">ok</a><a href="#gone">x</a>'
        '<a href="https://example.org/">external</a><a href="mailto:x@example.org">m</a>'
    )
    (tmp_path / "a" / "index.html").write_text(
        '<a href="../index.html#here">ok</a><a href="../b/">missing</a>'
        '<a href="../index.html#nope">bad anchor</a><a href="../../up.png">up</a>'
        '<a href="/abs/">x</a>'
    )
    assert broken_links(tmp_path) == [
        "a/index.html: link '../b/' points to a missing file",
        "a/index.html: link '../index.html#nope' points to a missing anchor '#nope'",
        "a/index.html: link '../../up.png' leads outside the site",
        "a/index.html: link '/abs/' is absolute; the site must work in any folder",
        "index.html: link '#gone' points to a missing anchor '#gone'",
    ]


def test_a_broken_link_from_a_template_fails_the_build(built: Path, tmp_path: Path) -> None:
    main = built / "theme" / "main.html"
    text = main.read_text()
    main.write_text(text + '\n{% block announce %}<a href="nowhere/">x</a>{% endblock %}\n')
    try:
        with pytest.raises(BuildError, match="points to a missing file"):
            build_site(built, site_dir=tmp_path / "out", today=TODAY)
    finally:
        main.write_text(text)
    assert not (tmp_path / "out").exists()


def test_the_policy_allows_only_the_sites_own_script_files(built: Path) -> None:
    policy = read_headers(built / "site")["Content-Security-Policy"]
    assert "script-src 'self' 'wasm-unsafe-eval';" in policy
    words = policy.replace(";", " ").split()
    assert "sha256" not in policy and "'unsafe-inline'" not in words
    assert "'unsafe-eval'" not in words  # 'wasm-unsafe-eval' compiles WebAssembly only
    assert "default-src 'self'" in policy
