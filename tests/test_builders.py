"""The same generated pages build with MkDocs, ProperDocs and Zensical."""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from generator.build import BUILDERS
from generator.mend import mend_site
from generator.model import build_model
from generator.pipeline import build_site
from generator.routes import builder_config
from generator.search import index_site

from .conftest import TODAY, copy_project, parse
from .test_build import SAMPLE, mkdocs, site_hash

HREF = re.compile(r"[^#:]+/")
SERVICE = re.compile(r"services/([a-z0-9-]+)")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("builders") / "project")


@pytest.fixture(scope="module")
def sites(project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("sites")
    return {b: build_site(project, site_dir=out / b, today=TODAY, builder=b) for b in BUILDERS}


def pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def title_and_heading(page: Path) -> tuple[str, str]:
    html = page.read_text()
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert title and heading, page

    def plain(fragment: str) -> str:
        return " ".join(unescape(re.sub(r"<[^>]+>", "", fragment)).split())

    return plain(title.group(1)), plain(heading.group(1))


def main_content(page: Path) -> str:
    html = page.read_text()
    start = html.index('<article class="md-content__inner')
    return html[start : html.index("</article>", start)]


def linked_services(site: Path, page: str) -> set[str]:
    """Ids of the service pages linked from the main content of ``page``, however written."""
    folder = posixpath.dirname(page)
    targets = (
        posixpath.normpath(posixpath.join(folder, href.rstrip("/")))
        for href in parse(main_content(site / page))["href"]
        if HREF.fullmatch(href)
    )
    return {m.group(1) for t in targets if (m := SERVICE.fullmatch(t))}


def test_every_mkdocs_page_exists_in_the_other_builds_alike(sites: dict[str, Path]) -> None:
    reference = sites["mkdocs"]
    for builder in ("properdocs", "zensical"):
        other = sites[builder]
        assert set(pages(reference)) <= set(pages(other)), builder
        for name in pages(reference):
            expected = title_and_heading(reference / name)
            assert title_and_heading(other / name) == expected, (builder, name)


@pytest.mark.parametrize(
    "page",
    [
        "services/index.html",
        "balanced-system/index.html",
        *(f"audiences/{a.id}/index.html" for a in SAMPLE.vocabularies.audiences),
        *(f"services/{s.id}/index.html" for s in SAMPLE.services[:3]),
    ],
)
def test_service_and_audience_pages_carry_the_same_services(
    sites: dict[str, Path], page: str
) -> None:
    found = {b: linked_services(sites[b], page) for b in BUILDERS}
    assert found["mkdocs"] == found["properdocs"] == found["zensical"]
    if page == "services/index.html":
        assert found["mkdocs"] == {s.id for s in SAMPLE.services}


@pytest.mark.parametrize("builder", BUILDERS)
def test_search_indexes_the_generators_copies_as_it_would_the_built_pages(
    sites: dict[str, Path], builder: str, tmp_path: Path
) -> None:
    """A build has Pagefind index the generator's copies of the searched pages (their
    bodies alone, ``search.search_copies``) while the builder builds the site: the index
    is the one Pagefind makes of the built pages themselves, file for file, byte for byte."""
    built = tmp_path / "built"
    shutil.copytree(sites[builder], built, ignore=shutil.ignore_patterns("pagefind"))
    index_site(built)  # of the built pages, as a preview indexes them

    def index(site: Path) -> dict[str, bytes]:
        folder = site / "pagefind"
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.*")}

    made = index(sites[builder])
    assert len([name for name in made if name.startswith("fragment/")]) > 20  # every page
    assert index(built) == made


def test_the_builder_alone_builds_the_generated_pages(project: Path, tmp_path: Path) -> None:
    """No step is the plugin's alone: generate, then a config without the plugin."""
    env = {**os.environ, "LOCAL_OFFER_TODAY": TODAY.isoformat()}
    subprocess.run(
        [sys.executable, "-m", "generator", "generate"], cwd=project, env=env, check=True
    )
    config = project / "no-plugin.yml"
    settings = "".join(
        f"{k}: {json.dumps(v)}\n" for k, v in builder_config(build_model(SAMPLE, TODAY)).items()
    )
    config.write_text(f"INHERIT: mkdocs.yml\nplugins: []\n{settings}")
    try:
        alone = mkdocs(project, "-f", str(config), "-d", str(tmp_path / "alone"))
        with_plugin = mkdocs(project, "-d", str(tmp_path / "plugin"))
    finally:
        config.unlink()
    assert alone.returncode == with_plugin.returncode == 0, alone.stderr + with_plugin.stderr
    # The plugin also indexes the site for search, so a preview can search, and mends
    # Material's markup (generator/mend.py, which `build` runs itself for Zensical); the
    # pages are the same either way.
    index = tmp_path / "plugin" / "pagefind"
    assert (index / "pagefind.js").is_file()
    shutil.rmtree(index)
    assert site_hash(tmp_path / "alone") != site_hash(tmp_path / "plugin")
    mend_site(tmp_path / "alone")
    assert site_hash(tmp_path / "alone") == site_hash(tmp_path / "plugin")
