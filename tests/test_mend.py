"""A theme upgrade that changes the markup ``generator/mend.py`` relies on fails the build,
naming the step, the page and the theme's version, instead of leaving pages unmended."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import material
import pytest
import zensical

from generator.errors import BuildError
from generator.mend import check, mend, mend_page, mend_site
from generator.model import build_model
from generator.pipeline import build_site
from generator.routes import builder_config

from .conftest import TODAY, copy_project
from .test_build import SAMPLE, mkdocs

MATERIAL = f"mkdocs-material {version('mkdocs-material')}"
CHANGED = "Material's markup changed; update generator/mend.py"


@pytest.fixture(scope="module")
def unmended(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every page of the sample as Material writes it, built without the plugin (which
    mends): the page's path in the site, and its HTML."""
    project = copy_project(tmp_path_factory.mktemp("mend") / "project")
    env = {**os.environ, "LOCAL_OFFER_TODAY": TODAY.isoformat()}
    subprocess.run(
        [sys.executable, "-m", "generator", "generate"], cwd=project, env=env, check=True
    )
    settings = "".join(
        f"{k}: {json.dumps(v)}\n" for k, v in builder_config(build_model(SAMPLE, TODAY)).items()
    )
    (project / "no-plugin.yml").write_text(f"INHERIT: mkdocs.yml\nplugins: []\n{settings}")
    site = project / "raw"
    result = mkdocs(project, "-f", "no-plugin.yml", "-d", str(site))
    assert result.returncode == 0, result.stderr
    return {
        page.relative_to(site).as_posix(): page.read_text(encoding="utf-8")
        for page in sorted(site.rglob("*.html"))
    }


def test_every_real_material_page_passes_mended_once_and_twice(
    unmended: dict[str, str],
) -> None:
    assert {"index.html", "404.html"} <= unmended.keys()
    for name, html in unmended.items():
        assert '<nav class="md-nav' not in html, name  # the theme draws its own menu
        assert check(html), name  # not mended yet: the check sees it
        mended = mend_page(html, name)
        assert mended == mend(html)
        assert check(mended) == [], name
        assert mend_page(mended, name) == mended  # mended twice: nothing to find, no change


# Material's markup as a new version might write it: (the step, what it writes now, what
# it might write instead, on which page, what the message names).
UPGRADES = [
    (
        "lang",
        '<html lang="en" class="no-js">',
        '<html class="no-js" lang="en">',
        "index.html",
        '<html lang="en" …>',
    ),
    (
        "outer main",
        '<main class="md-main" data-md-component="main">',
        '<main data-md-component="main" class="md-main">',
        "index.html",
        'outer <main class="md-main" …>',
    ),
    (
        "autocomplete",
        'type="checkbox" id="__drawer" autocomplete="off"',
        'autocomplete="off" type="checkbox" id="__drawer"',
        "index.html",
        'autocomplete="off"',
    ),
]


@pytest.mark.parametrize(
    ("step", "now", "then", "name", "named"), UPGRADES, ids=[u[0] for u in UPGRADES]
)
def test_markup_a_step_relies_on_changed_fails_naming_step_page_and_version(
    unmended: dict[str, str], step: str, now: str, then: str, name: str, named: str
) -> None:
    html = unmended[name]
    assert now in html, f"Material no longer writes {now!r}: update this test"
    changed = html.replace(now, then)
    assert check(mend(changed)), step
    with pytest.raises(BuildError) as raised:
        mend_page(changed, name)
    message = str(raised.value)
    assert message.startswith(f"{name}: mend expected ")
    assert named in message
    assert message.endswith(f"({MATERIAL}): {CHANGED}")
    assert "\n" not in message  # one line, which MkDocs' log shows whole


def test_mend_site_names_the_page_and_zensical(unmended: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "services").mkdir()
    (tmp_path / "index.html").write_text(unmended["index.html"], encoding="utf-8")
    (tmp_path / "services" / "index.html").write_text(
        unmended["index.html"].replace('<html lang="en" ', "<html "), encoding="utf-8"
    )
    with pytest.raises(BuildError, match=r"^services/index\.html: mend expected Material's "):
        mend_site(tmp_path, theme="zensical")
    with pytest.raises(BuildError, match=rf"\(zensical {version('zensical')}\): {CHANGED}$"):
        mend_site(tmp_path, theme="zensical")


@pytest.mark.parametrize(
    ("builder", "templates"),
    [("mkdocs", material.__file__), ("zensical", zensical.__file__)],
)
def test_a_theme_upgrade_that_changes_the_outer_main_fails_the_build(
    builder: str, templates: str, tmp_path: Path
) -> None:
    """End to end: the theme's base.html as an upgrade might write it; the build stops with
    the message, whichever builder runs (the plugin for MkDocs, ``build`` for Zensical),
    and no site is published."""
    project = copy_project(tmp_path / "project")
    base = (Path(templates).parent / "templates" / "base.html").read_text(encoding="utf-8")
    main = '<main class="md-main" data-md-component="main">'
    assert main in base
    upgraded = base.replace(main, '<main class="md-main md-main--new" data-md-component="main">')
    (project / "theme" / "base.html").write_text(upgraded, encoding="utf-8")
    theme = MATERIAL if builder == "mkdocs" else f"zensical {version('zensical')}"
    with pytest.raises(BuildError) as raised:
        build_site(project, site_dir=tmp_path / "site", today=TODAY, builder=builder)
    message = str(raised.value)
    assert 'html: mend expected Material\'s outer <main class="md-main" …> and found none' in (
        message
    )
    assert f"({theme}): {CHANGED}" in message
    assert not (tmp_path / "site").exists()
