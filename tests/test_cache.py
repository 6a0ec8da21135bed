"""The project's cache in ``build/cache/`` (``generator.cache``, ``build.Built``): a warm run
finds exactly the problems and makes exactly the pages of a cold one; a cache that is
corrupt, stale or foreign is ignored (and never unpickled) then replaced; ``--no-cache``
neither reads nor writes it; an incremental build is byte for byte the clean one and never
writes into the published site.

Every test works on a copy of ``tests/fixtures/minimal`` (a check takes milliseconds, a
build of it with the sample's theme about a second). A cache is warmed in place: one copied
to another folder is another project's (the folder is part of its digest), so it is foreign.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import os
import pickle
import random
import re
import shutil
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import jinja2
import pytest

import generator.cache
from generator.build import Built, _inodes, _to_check, builder_inputs, inputs_digest
from generator.cache import CACHE_DIR, MAGIC, load_memo, made_by
from generator.cli import main
from generator.errors import BuildError, DataError
from generator.memo import COMPILED
from generator.pipeline import Outcome, run

from .conftest import ROOT, TODAY, copy_project, write_project
from .test_validate import MISTAKES, edited, fixture_text

MEMO = CACHE_DIR / "memo.pickle"
KEY = CACHE_DIR / "key"


def check(root: Path, *, cache: bool) -> Outcome:
    return run(root, TODAY, until="check", cache=cache)


def found(root: Path, *, cache: bool) -> list[str]:
    """The problems a check of ``root`` raises, as people read them."""
    with pytest.raises(DataError) as info:
        check(root, cache=cache)
    return [str(problem) for problem in info.value.problems]


def shown(outcome: Outcome) -> tuple[dict[str, bytes], list[str]]:
    """What a passing run gives: its pages and its warnings."""
    return outcome.pages, [str(w) for w in outcome.warnings]


def data_file(root: Path, name: str) -> Path:
    return root / "data" / f"{name}.yaml"


# --- 1. a warm check finds exactly what a cold one finds -----------------------------------


@pytest.mark.parametrize(("name", "old", "new", "expected"), MISTAKES)
def test_a_warm_check_reports_each_mistake_as_a_cold_one(
    tmp_path: Path, name: str, old: str, new: str, expected: list[str]
) -> None:
    root = write_project(tmp_path)
    cold = shown(check(root, cache=False))
    assert shown(check(root, cache=True)) == cold  # warms the cache, in place
    assert load_memo(root).parsed  # ... which the next run reads

    data_file(root, name).write_text(edited(name, old, new), encoding="utf-8")
    assert found(root, cache=True) == expected  # the file parsed again, the rest from cache
    assert found(root, cache=True) == expected  # the mistaken file's parse now from cache too
    assert found(root, cache=False) == expected

    data_file(root, name).write_text(fixture_text(name), encoding="utf-8")  # undone
    assert shown(check(root, cache=True)) == cold
    assert shown(check(root, cache=True)) == cold
    assert shown(check(root, cache=False)) == cold


def test_a_warm_check_compiles_no_template_the_cache_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next process after an edit renders the edited service's page again with the
    templates as the cache kept them compiled; a template whose text changed is compiled."""
    root = write_project(tmp_path)
    check(root, cache=True)
    compiled: list[str | None] = []
    compile_ = jinja2.Environment.compile

    def counted(env: jinja2.Environment, source: str, name: str | None = None, *a: Any) -> Any:
        compiled.append(name)
        return compile_(env, source, name, *a)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    monkeypatch.setattr(COMPILED, "code", {})  # a new process
    services = data_file(root, "services")
    services.write_text(services.read_text("utf-8").replace("Advice line", "Help line"), "utf-8")
    assert b"Help line" in check(root, cache=True).pages["services/advice-line.md"]
    assert compiled == []
    theme = root / "theme" / "service.html"
    theme.parent.mkdir(exist_ok=True)
    theme.write_text("{% extends 'builtin/service.html' %}", "utf-8")
    check(root, cache=True)
    assert compiled == ["service.html"]


# --- 2. a cache that cannot be trusted is ignored, then replaced ---------------------------


def truncated(root: Path) -> None:
    memo = root / MEMO
    data = memo.read_bytes()
    memo.write_bytes(data[: len(data) // 2])


def cut_in_the_header(root: Path) -> None:
    memo = root / MEMO
    memo.write_bytes(memo.read_bytes()[: len(MAGIC) + 40])


def emptied(root: Path) -> None:
    (root / MEMO).write_bytes(b"")


def flipped_in_the_payload(root: Path) -> None:
    memo = root / MEMO
    data = bytearray(memo.read_bytes())
    data[len(MAGIC) + 64 + (len(data) - len(MAGIC) - 64) // 2] ^= 0x01
    memo.write_bytes(bytes(data))


def flipped_in_the_signature(root: Path) -> None:
    memo = root / MEMO
    data = bytearray(memo.read_bytes())
    data[len(MAGIC) + 40] ^= 0x80
    memo.write_bytes(bytes(data))


def another_key(root: Path) -> None:
    (root / KEY).write_bytes(os.urandom(32))


def no_key(root: Path) -> None:
    (root / KEY).unlink()


def another_format(root: Path) -> None:
    memo = root / MEMO
    memo.write_bytes(b"local-offer-cache 0\n" + memo.read_bytes()[len(MAGIC) :])


def stale_header(root: Path) -> None:
    """Another generator's cache, made by editing the digest in its header."""
    memo = root / MEMO
    data = bytearray(memo.read_bytes())
    assert bytes(data[len(MAGIC) : len(MAGIC) + 32]) == made_by(root)
    data[len(MAGIC) + 5] ^= 0xFF
    memo.write_bytes(bytes(data))


SPOILED: dict[str, Callable[[Path], None]] = {
    "truncated": truncated,
    "cut-in-the-header": cut_in_the_header,
    "empty": emptied,
    "flipped-in-the-payload": flipped_in_the_payload,
    "flipped-in-the-signature": flipped_in_the_signature,
    "another-key": another_key,
    "no-key": no_key,
    "another-format": another_format,
    "stale-header": stale_header,
}


def test_the_cache_is_unpickled_with_the_cycle_collector_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoever reads the cache (a run, or the command line's build, which reads it itself
    for its ``--strict`` check too): unpickling its millions of objects, each collection
    would scan them all for no cycle, half the reading at 5,000 services. The collector
    is back on after."""
    root = write_project(tmp_path)
    check(root, cache=True)  # a cache to read
    collecting: list[bool] = []
    loads = pickle.loads

    def noting(data: bytes) -> Any:
        collecting.append(gc.isenabled())
        return loads(data)

    monkeypatch.setattr(generator.cache.pickle, "loads", noting)
    assert gc.isenabled()
    assert load_memo(root).parsed  # read, and trusted
    assert collecting and not any(collecting), collecting
    assert gc.isenabled()


def assert_ignored_then_replaced(root: Path, mistaken: bool) -> None:
    """``root``'s cache is not read; a cached run gives what a cold one gives, raises
    nothing else, and leaves a cache the next run reads."""
    assert (root / MEMO).exists()
    assert load_memo(root).parsed == {}  # not trusted: nothing of it is used
    if mistaken:
        cold_problems = found(root, cache=False)
        assert found(root, cache=True) == cold_problems
    else:
        cold = shown(check(root, cache=False))
        assert shown(check(root, cache=True)) == cold
    assert load_memo(root).parsed  # replaced by a valid one
    if mistaken:
        assert found(root, cache=True) == cold_problems
    else:
        assert shown(check(root, cache=True)) == cold


def project(tmp_path: Path, mistaken: bool) -> Path:
    """The minimal project, valid or with one mistake in services.yaml."""
    if not mistaken:
        return write_project(tmp_path)
    return write_project(tmp_path, services=edited("services", "min_age: 2", "min_age: two"))


@pytest.mark.parametrize("mistaken", [False, True], ids=["valid", "mistaken"])
@pytest.mark.parametrize("spoil", SPOILED.values(), ids=SPOILED.keys())
def test_a_corrupt_cache_is_ignored_then_replaced(
    tmp_path: Path, spoil: Callable[[Path], None], mistaken: bool
) -> None:
    root = project(tmp_path, mistaken)
    with pytest.raises(DataError) if mistaken else nullcontext():
        check(root, cache=True)
    assert load_memo(root).parsed  # warm: this cache would be read
    spoil(root)
    assert_ignored_then_replaced(root, mistaken)


@pytest.mark.parametrize("mistaken", [False, True], ids=["valid", "mistaken"])
def test_a_cache_written_by_another_generator_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mistaken: bool
) -> None:
    root = project(tmp_path, mistaken)
    with monkeypatch.context() as patch:
        patch.setattr(generator.cache, "_generator_digest", lambda: b"another generator")
        with pytest.raises(DataError) if mistaken else nullcontext():
            check(root, cache=True)
        assert load_memo(root).parsed  # that generator reads its own cache
    assert_ignored_then_replaced(root, mistaken)


@pytest.mark.parametrize("mistaken", [False, True], ids=["valid", "mistaken"])
def test_another_projects_cache_is_ignored(tmp_path: Path, mistaken: bool) -> None:
    other = project(tmp_path / "other", mistaken)
    with pytest.raises(DataError) if mistaken else nullcontext():
        check(other, cache=True)
    assert load_memo(other).parsed
    root = project(tmp_path / "mine", mistaken)
    (root / CACHE_DIR).mkdir(parents=True)
    shutil.copy(other / MEMO, root / MEMO)
    shutil.copy(other / KEY, root / KEY)
    assert_ignored_then_replaced(root, mistaken)
    assert load_memo(other).parsed  # the other project's own cache is still its own


def test_a_copied_project_does_not_trust_the_cache_it_carries(tmp_path: Path) -> None:
    original = write_project(tmp_path / "original")
    check(original, cache=True)
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    assert_ignored_then_replaced(copy, mistaken=False)


class Planted:
    """Unpickled, creates the file ``path``: a cache file must never be unpickled unless
    this project's runs signed it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return open, (str(self.path), "w")


def forged(root: Path, evil: bytes) -> dict[str, bytes]:
    """Ways to put ``evil`` (a pickle) in ``root``'s cache without this project's key."""
    made = made_by(root)
    other_key = os.urandom(32)
    return {
        "bare-pickle": evil,
        "no-signature": MAGIC + made + evil,
        "zero-signature": MAGIC + made + bytes(32) + evil,
        "signed-with-another-key": MAGIC
        + made
        + hmac.new(other_key, made + evil, "sha256").digest()
        + evil,
        "signed-without-the-digest": MAGIC
        + made
        + hmac.new((root / KEY).read_bytes(), evil, "sha256").digest()
        + evil,
        "unkeyed-digest": MAGIC + made + hashlib.sha256(made + evil).digest() + evil,
    }


WAYS = [
    "bare-pickle",
    "no-signature",
    "zero-signature",
    "signed-with-another-key",
    "signed-without-the-digest",
    "unkeyed-digest",
]


@pytest.mark.parametrize("way", WAYS)
def test_a_planted_pickle_is_never_unpickled(tmp_path: Path, way: str) -> None:
    root = write_project(tmp_path)
    cold = shown(check(root, cache=False))
    check(root, cache=True)  # the project has a key; the planted file is signed without it
    created = tmp_path / "pwned"
    evil = pickle.dumps({"parsed": Planted(created), "html": {}, "bodies": {}})
    payloads = forged(root, evil)
    assert sorted(payloads) == sorted(WAYS)
    (root / MEMO).write_bytes(payloads[way])

    assert load_memo(root).parsed == {}
    assert not created.exists()
    assert shown(check(root, cache=True)) == cold
    assert not created.exists()
    assert load_memo(root).parsed  # replaced by this project's own
    assert shown(check(root, cache=True)) == cold
    assert not created.exists()


def test_the_planted_pickle_would_have_made_its_file(tmp_path: Path) -> None:
    """The test above can fail: unpickled, the planted payload does create its file."""
    created = tmp_path / "pwned"
    pickle.loads(pickle.dumps({"parsed": Planted(created)}))["parsed"].close()
    assert created.exists()


# --- 3. the command line ------------------------------------------------------------------


def test_check_no_cache_neither_writes_nor_reads_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path)
    args = ["check", "--root", str(root), "--today", TODAY.isoformat()]
    assert main([*args, "--no-cache"]) == 0
    assert not (root / CACHE_DIR).exists()

    assert main(args) == 0
    assert (root / MEMO).is_file()
    assert (root / KEY).is_file()
    assert load_memo(root).parsed
    kept = (root / MEMO).read_bytes()

    services = data_file(root, "services")  # what a cached check would keep anew
    services.write_text(edited("services", "Therapy for", "Help for"), encoding="utf-8")
    assert main([*args, "--no-cache"]) == 0
    assert (root / MEMO).read_bytes() == kept  # not written
    (root / MEMO).write_bytes(b"not a cache")  # and not read: a check still passes
    assert main([*args, "--no-cache"]) == 0
    assert (root / MEMO).read_bytes() == b"not a cache"
    assert main(args) == 0
    assert load_memo(root).parsed  # a cached check replaced it
    capsys.readouterr()


def test_a_file_of_the_theme_that_is_not_text_is_no_template_to_a_warm_run(
    tmp_path: Path,
) -> None:
    """A theme may hold images (a favicon): the digest of the templates a warm run keys
    pages by reads them as no template, as Jinja, which cannot load them, does."""
    root = copy_project(tmp_path / "project")
    icon = root / "theme" / "assets" / "images" / "favicon.png"
    icon.parent.mkdir(parents=True)
    icon.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    cold = run(root, TODAY, until="check").pages
    assert run(root, TODAY, until="check", cache=True).pages == cold  # fills the cache
    icon.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(255, -1, -1)))
    assert run(root, TODAY, until="check", cache=True).pages == cold


def test_a_theme_may_name_the_arguments_of_what_its_templates_call(tmp_path: Path) -> None:
    """A theme's template may call the functions a page's key follows with arguments by
    name (``similar(s, most=…)``): each call is written down with them, so a warm run
    makes again what a cold one makes, and again after the value changes."""
    root = copy_project(tmp_path / "project")
    template = (ROOT / "generator" / "templates" / "service.html").read_text(encoding="utf-8")
    assert "similar(s)" in template
    override = root / "theme" / "service.html"
    shown = []
    for most in (1, 3, 1):
        override.write_text(template.replace("similar(s)", f"similar(s, most={most})"), "utf-8")
        cold = run(root, TODAY, until="check").pages
        assert run(root, TODAY, until="check", cache=True).pages == cold
        shown.append(cold)
    assert shown[0] != shown[1] and shown[0] == shown[2]  # the argument told


# --- 4. an incremental build is the clean build -------------------------------------------


def buildable(tmp_path: Path) -> Path:
    """The minimal project with the sample's theme and mkdocs.yml, so it builds."""
    root = write_project(tmp_path)
    shutil.copytree(ROOT / "theme", root / "theme")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


def build(root: Path, site: Path, *, cache: bool) -> Path:
    outcome = run(root, TODAY, until="build", cache=cache, site_dir=site)
    assert outcome.site_dir == site.resolve()
    return site


def files(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def inodes(site: Path) -> dict[str, int]:
    return {
        path.relative_to(site).as_posix(): path.stat().st_ino
        for path in site.rglob("*")
        if path.is_file()
    }


def assert_same_site(one: Path, other: Path) -> None:
    mine, theirs = files(one), files(other)
    assert sorted(mine) == sorted(theirs)
    differ = [name for name in mine if mine[name] != theirs[name]]
    assert differ == []
    folders = [
        sorted(p.relative_to(s).as_posix() for p in s.rglob("*") if p.is_dir())
        for s in (one, other)
    ]
    assert folders[0] == folders[1]  # no folder left of a page that is gone


def test_an_incremental_build_is_the_clean_build_byte_for_byte(tmp_path: Path) -> None:
    root = buildable(tmp_path)
    site = tmp_path / "site"
    record = root / CACHE_DIR / "site.json"
    edited_page = "services/stammering-clinic/index.html"
    untouched = "docs-page/index.html"

    build(root, site, cache=True)  # nothing to start from: a clean build, recorded
    assert record.is_file()
    before = inodes(site)
    old = (site / edited_page).read_bytes()
    held = tmp_path / "held.html"  # a link to the published page: it must never change
    os.link(site / edited_page, held)

    services = data_file(root, "services")
    text = services.read_text(encoding="utf-8")
    changed = "Therapy for children who stammer, in small groups."
    services.write_text(text.replace("Therapy for children who stammer.", changed), "utf-8")
    build(root, site, cache=True)  # incremental
    after = inodes(site)
    assert after[untouched] == before[untouched]  # staged from a hard link, not made again
    kept = {name for name in before if after.get(name) == before[name]}
    assert len(kept) > len(before) // 2  # most of the site was linked, not made again
    assert after[edited_page] != before[edited_page]
    new = (site / edited_page).read_bytes()
    assert new != old
    assert b"in small groups" in new and b"in small groups" not in old
    assert held.read_bytes() == old  # the published file was never written in place

    clean = build(root, tmp_path / "clean", cache=False)
    assert_same_site(site, clean)

    # a service taken out: its page goes, and the site is again the clean one. (The first:
    # without the second, last reviewed last, every page's footer would change its date,
    # which the builder is told, so the build would rightly be a clean one.)
    rest = services.read_text(encoding="utf-8").split("  - id: stammering-clinic\n")[1]
    services.write_text("services:\n  - id: stammering-clinic\n" + rest, "utf-8")
    before = inodes(site)
    build(root, site, cache=True)
    assert inodes(site)[untouched] == before[untouched]  # incremental again
    assert not (site / "services" / "advice-line" / "index.html").exists()
    assert (site / edited_page).read_bytes() == new
    assert_same_site(site, build(root, tmp_path / "clean-2", cache=False))
    assert held.read_bytes() == old


@pytest.mark.parametrize("edit", ["its first heading", "its front matter", "a term's name"])
def test_a_new_title_of_a_page_in_the_menu_reaches_every_page(tmp_path: Path, edit: str) -> None:
    """Every page's menu and footer show the titles of the menu's pages, which the builder
    reads from those pages themselves: a new one changes every page, so the build after it
    is a full one, and equals a clean build."""
    root = copy_project(tmp_path / "project")
    site = build(root, tmp_path / "site", cache=True)
    glossary = root / "content" / "glossary.md"
    if edit == "a term's name":
        vocabularies = root / "data" / "vocabularies.yaml"
        text = vocabularies.read_text(encoding="utf-8")
        old, new = "name: Children and young people\n", "name: Young people and children\n"
        vocabularies.write_text(text.replace(old, new, 1), encoding="utf-8")
        shown = b">Young people and children</a>"
    elif edit == "its first heading":
        text = glossary.read_text(encoding="utf-8")
        glossary.write_text(text.replace("# Words we use", "# Glossary", 1), encoding="utf-8")
        shown = b">Glossary</a>"
    else:
        text = glossary.read_text(encoding="utf-8")
        glossary.write_text("---\ntitle: Terms explained\n---\n" + text, encoding="utf-8")
        shown = b">Terms explained</a>"
    assert shown not in (site / "privacy" / "index.html").read_bytes()
    build(root, site, cache=True)
    assert shown in (site / "privacy" / "index.html").read_bytes()  # in its footer
    assert_same_site(site, build(root, tmp_path / "clean", cache=False))


def test_properdocs_builds_incrementally_too(tmp_path: Path) -> None:
    """ProperDocs, MkDocs' fork, takes ``--dirty`` too: an incremental build of its own
    (its warning about dirty builds is not a failure in strict mode) is its clean build."""
    root = buildable(tmp_path)
    site = tmp_path / "site"
    assert run(root, TODAY, builder="properdocs", cache=True, site_dir=site).site_dir
    untouched = (site / "docs-page" / "index.html").stat().st_ino
    services = data_file(root, "services")
    text = services.read_text(encoding="utf-8")
    services.write_text(text.replace("Therapy for children who stammer.", "Groups."), "utf-8")
    run(root, TODAY, builder="properdocs", cache=True, site_dir=site)
    assert (site / "docs-page" / "index.html").stat().st_ino == untouched  # incremental
    clean = tmp_path / "clean"
    run(root, TODAY, builder="properdocs", cache=False, site_dir=clean)
    assert_same_site(site, clean)


def test_what_the_builders_settings_name_is_read_by_an_incremental_build(tmp_path: Path) -> None:
    """A file ``mkdocs.yml`` names (a config it inherits, a hook that config names, in a
    folder of its own) is an input of every page, as ``mkdocs.yml`` is: a change to it makes
    the build a full one, equal to a clean build."""
    root = buildable(tmp_path)
    site = tmp_path / "site"
    config = root / "mkdocs.yml"
    config.write_text("INHERIT: shared/base.yml\n" + config.read_text(encoding="utf-8"), "utf-8")
    (root / "shared").mkdir()
    (root / "shared" / "base.yml").write_text("hooks:\n  - shared/hooks/mark.py\n", "utf-8")
    hook = root / "shared" / "hooks" / "mark.py"
    hook.parent.mkdir()

    def mark(word: str) -> None:
        hook.write_text(
            f"def on_page_content(html, page, **kw):\n    return html + '<p>{word}</p>'\n", "utf-8"
        )

    mark("first")
    build(root, site, cache=True)
    assert b"<p>first</p>" in (site / "docs-page" / "index.html").read_bytes()
    mark("second")
    build(root, site, cache=True)
    assert b"<p>second</p>" in (site / "docs-page" / "index.html").read_bytes()
    assert_same_site(site, build(root, tmp_path / "clean", cache=False))
    (root / "shared" / "base.yml").write_text("hooks: []\n", "utf-8")
    build(root, site, cache=True)
    assert b"<p>second</p>" not in (site / "docs-page" / "index.html").read_bytes()
    assert_same_site(site, build(root, tmp_path / "clean-2", cache=False))


def test_the_builders_inputs_are_what_its_settings_name_but_the_generators_folders(
    tmp_path: Path,
) -> None:
    """``builder_inputs`` leaves out only the folders the pages come from or go to, by
    their names, not every folder whose name begins the same way (``sitewide/``). A file
    counts wherever it is (a config shared by several projects, and what it names); a
    folder outside the project is not walked."""
    root = tmp_path / "project"
    (root / "theme").mkdir(parents=True)
    (root / "theme" / "main.html").write_text("{% extends 'base.html' %}", "utf-8")
    (root / "mkdocs.yml").write_text(
        "docs_dir: build/docs\nsite_dir: site\nhooks:\n  - sitewide/hook.py\n"
        "  - content/hook.py\nINHERIT: database.yml\n", "utf-8"
    )  # fmt: skip
    (root / "database.yml").write_text("INHERIT: ../shared.yml\n", "utf-8")
    (tmp_path / "shared.yml").write_text("hooks: [shared_hook.py]\nx: ..\n", "utf-8")
    for name in ("project/sitewide/hook.py", "project/sitewide/helper.py",
                 "project/content/hook.py", "shared_hook.py",
                 "project/site/index.html", "project/build/docs/index.md",
                 "project/unnamed.py", "elsewhere.py"):  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", "utf-8")
    walked: list[str] = []  # the site and the docs folder hold 100,000 files: not walked
    rglob = Path.rglob
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "rglob", lambda p, *a: walked.append(p.name) or rglob(p, *a))
        found = sorted(os.path.relpath(p, root) for p in builder_inputs(root))
    assert found == [
        "../shared.yml", "../shared_hook.py", "database.yml", "mkdocs.yml",
        "sitewide/helper.py", "sitewide/hook.py", "theme/main.html",
    ]  # fmt: skip
    assert walked == ["theme", "sitewide"]  # a hook's folder: the modules it imports
    before = inputs_digest(root)
    (tmp_path / "shared.yml").write_text("hooks: [shared_hook.py]\nextra: {a: 1}\n", "utf-8")
    assert inputs_digest(root) != before


def test_an_incremental_build_checks_again_each_link_that_may_have_broken(
    tmp_path: Path,
) -> None:
    """The links of the pages made again; every page's when a page made again lost an id
    (a link to it may be written anywhere, by a theme too) or a file is gone. A link to a
    file or an anchor that is still there leads where it did."""
    site, staging = tmp_path / "site", tmp_path / "staging"
    for name in ("a", "b", "c"):
        (site / name).mkdir(parents=True)
        (site / name / "index.html").write_text(f'<p id="{name}">{name}</p>', "utf-8")
        (staging / name).mkdir(parents=True)
        if name != "c":  # the old page, not made again
            os.link(site / name / "index.html", staging / name / "index.html")
    (staging / "d").mkdir()
    (staging / "d" / "index.html").write_text('<p id="d">new</p>', "utf-8")
    earlier = {"a.md": "1", "b.md": "1", "c.md": "1"}
    built = Built(tmp_path, site, "made", {**earlier, "c.md": "2", "d.md": "1"})
    remade = staging / "c" / "index.html"
    listed = _inodes(str(site))  # as the staging listed the site
    remade.write_text('<h2 id="more">More</h2><p id="c">c, made again</p>', "utf-8")
    assert _to_check(site, listed, staging, earlier, built) == {"c/index.html", "d/index.html"}
    remade.write_text('<p id="other">c, its id gone</p>', "utf-8")
    assert _to_check(site, listed, staging, earlier, built) is None
    remade.write_text('<p id="c">c</p>', "utf-8")
    gone = Built(tmp_path, site, "made", {"a.md": "1", "c.md": "2", "d.md": "1"})
    assert _to_check(site, listed, staging, earlier, gone) is None


def test_an_incremental_build_fails_as_a_clean_one_on_a_themes_link_to_a_gone_anchor(
    tmp_path: Path,
) -> None:
    """A theme's template links to a section of a content page by its address, not as a
    ``site:`` link; the section's heading is renamed: the built site's link check finds the
    link broken after an incremental build, as after a clean one."""
    root = buildable(tmp_path)
    page = root / "content" / "docs-page.md"
    page.write_text(page.read_text("utf-8") + "\n## Details\n\nMore.\n", "utf-8")
    (root / "theme" / "service.html").write_text(
        "{% extends 'builtin/service.html' %}\n{% block who %}"
        '<p><a href="../../docs-page/#details">Details</a></p>{{ super() }}{% endblock %}\n',
        "utf-8",
    )
    site = build(root, tmp_path / "site", cache=True)
    page.write_text(page.read_text("utf-8").replace("## Details", "## More details"), "utf-8")
    for cache, folder in ((True, site), (False, tmp_path / "clean")):
        with pytest.raises(BuildError, match="points to a missing anchor '#details'"):
            build(root, folder, cache=cache)


def test_an_incremental_build_leaves_no_folder_of_a_deleted_page(tmp_path: Path) -> None:
    root = buildable(tmp_path)
    site = build(root, tmp_path / "site", cache=True)
    assert (site / "services" / "advice-line" / "index.html").is_file()
    untouched = (site / "docs-page" / "index.html").stat().st_ino
    services = data_file(root, "services")
    rest = services.read_text(encoding="utf-8").split("  - id: stammering-clinic\n")[1]
    services.write_text("services:\n  - id: stammering-clinic\n" + rest, "utf-8")
    build(root, site, cache=True)
    assert (site / "docs-page" / "index.html").stat().st_ino == untouched  # incremental
    folders = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_dir())
    assert "services/advice-line" not in folders


def describe_clinic(root: Path, words: str) -> None:
    """The stammering clinic's description, as ``words``: a one-record edit."""
    services = data_file(root, "services")
    head, clinic = services.read_text(encoding="utf-8").split("  - id: stammering-clinic\n")
    clinic = re.sub(r"(?m)^    description: .*$", f"    description: {words}", clinic, count=1)
    services.write_text(f"{head}  - id: stammering-clinic\n{clinic}", "utf-8")


def test_an_incremental_build_starts_from_the_site_it_replaced_kept_as_a_spare(
    tmp_path: Path,
) -> None:
    """After an incremental build the old site is kept beside the new one (its files hard
    links to the new site's, but the few made again): the next incremental build sets it
    right and builds in it, so its folder becomes the site. After a full build there is
    none: it would share no file with the site."""
    root = buildable(tmp_path)
    site = tmp_path / "site"
    spare = tmp_path / ".site.spare"
    build(root, site, cache=True)
    assert not spare.exists()  # the first build: nothing to keep
    describe_clinic(root, "Small groups for children who stammer.")
    build(root, site, cache=True)
    assert spare.is_dir()
    shared = inodes(spare).items() & inodes(site).items()
    assert len(shared) > len(inodes(site)) // 2
    assert not (spare / "pagefind").exists() and not (spare / "_headers").exists()
    folder = spare.stat().st_ino
    describe_clinic(root, "Groups where children who stammer practise talking.")
    build(root, site, cache=True)
    assert site.stat().st_ino == folder  # the spare became the site
    assert b"practise talking" in (site / "services/stammering-clinic/index.html").read_bytes()
    assert_same_site(site, build(root, tmp_path / "clean", cache=False))
    assert spare.is_dir()
    build(root, site, cache=False)  # a full build: nothing kept, the spare removed
    assert not spare.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_whatever_the_spare_holds_only_the_sites_own_files_reach_the_next_build(
    tmp_path: Path,
) -> None:
    """A spare folder changed since it was kept (a file removed, added, replaced; a folder
    where a file was; links to files and folders elsewhere) is set right, or not used:
    the site built from it is the clean build, and nothing a link in it leads to is
    touched."""
    root = buildable(tmp_path)
    site = tmp_path / "site"
    spare = tmp_path / ".site.spare"
    build(root, site, cache=True)
    describe_clinic(root, "Small groups for children who stammer.")
    build(root, site, cache=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_bytes(b"not the site's")
    (spare / "docs-page" / "index.html").unlink()
    (spare / "extra.html").write_bytes(b"<p>planted</p>")
    (spare / "extra-folder" / "deep").mkdir(parents=True)
    (spare / "extra-folder" / "deep" / "x.css").write_bytes(b"x")
    page = spare / "privacy" / "index.html"
    page.unlink()
    page.write_bytes(b"<p>a new file of the same name</p>")
    (spare / "404.html").unlink()
    (spare / "404.html").mkdir()
    (spare / "services" / "advice-line" / "index.html").unlink()
    (spare / "services" / "advice-line" / "index.html").symlink_to(outside / "keep.txt")
    (spare / "linked").symlink_to(outside, target_is_directory=True)
    os.chmod(spare / "services", 0o700)  # a folder's mode, and the spare's own
    os.chmod(spare, 0o700)
    folder = spare.stat().st_ino
    describe_clinic(root, "Groups where children who stammer practise talking.")
    build(root, site, cache=True)
    assert site.stat().st_ino == folder  # set right and used, not passed over
    clean = build(root, tmp_path / "clean", cache=False)
    assert_same_site(site, clean)
    for name in ("", "services"):
        assert (site / name).stat().st_mode == (clean / name).stat().st_mode, name
    assert [p.name for p in outside.iterdir()] == ["keep.txt"]
    assert (outside / "keep.txt").read_bytes() == b"not the site's"

    # a spare that is a link to a folder is never used, nor anything in it removed
    build(root, site, cache=True)
    describe_clinic(root, "Small groups for children who stammer.")
    build(root, site, cache=True)
    shutil.rmtree(spare)
    spare.symlink_to(outside, target_is_directory=True)
    describe_clinic(root, "Groups where children who stammer practise talking.")
    build(root, site, cache=True)
    assert not site.is_symlink() and site.stat().st_ino != outside.stat().st_ino
    assert_same_site(site, build(root, tmp_path / "clean-2", cache=False))
    assert [p.name for p in outside.iterdir()] == ["keep.txt"]


def test_a_build_after_an_edit_writes_again_only_the_bodies_of_the_pages_made_again(
    tmp_path: Path,
) -> None:
    """The pages' bodies, most of the cache, are kept in files each holding some pages:
    a build after a one-record edit writes again only those that hold a page made again,
    and the next run finds every page's body. A file of them this project's runs did not
    sign is never unpickled: its pages' bodies are made again, and the site is the same."""
    root = buildable(tmp_path)
    site = build(root, tmp_path / "site", cache=True)
    folder = root / CACHE_DIR / "bodies"
    before = {p.name: p.stat().st_ino for p in folder.glob("*.pickle")}
    assert len(before) > 16
    describe_clinic(root, "Small groups for children who stammer.")
    build(root, site, cache=True)
    after = {p.name: p.stat().st_ino for p in folder.glob("*.pickle")}
    assert sorted(after) == sorted(before)
    written = [name for name in after if after[name] != before[name]]
    clinic = ("services/stammering-clinic.md", False)
    assert generator.cache._shard_name(clinic) in written
    assert 0 < len(written) < len(before) // 2
    pages = [p for p in (root / "build" / "docs").rglob("*.md")]
    assert len(load_memo(root).bodies) == len(pages)

    created = tmp_path / "pwned"
    name = generator.cache._shard_name(clinic)
    planted = forged(root, pickle.dumps({clinic: (b"", Planted(created))}))
    (folder / name).write_bytes(planted["signed-with-another-key"])
    assert clinic not in load_memo(root).bodies and not created.exists()
    describe_clinic(root, "Groups where children who stammer practise talking.")
    build(root, site, cache=True)
    assert not created.exists()
    assert clinic in load_memo(root).bodies  # replaced by this project's own
    assert_same_site(site, build(root, tmp_path / "clean", cache=False))


def test_a_cache_that_cannot_be_kept_does_not_fail_the_build_whose_site_is_in_place(
    tmp_path: Path,
) -> None:
    """The cache is kept once the new site is in place: a link planted in ``build/cache/``
    (not read: the last cache is gone) is refused there, never written through, and the
    build still succeeds, with the next one cold."""
    root = buildable(tmp_path)
    site = build(root, tmp_path / "site", cache=True)
    owned = tmp_path / "owned"
    owned.mkdir()
    (owned / "00.pickle").write_bytes(b"mine")
    (root / MEMO).unlink()
    shutil.rmtree(root / CACHE_DIR / "bodies")
    (root / CACHE_DIR / "bodies").symlink_to(owned, target_is_directory=True)
    describe_clinic(root, "Small groups for children who stammer.")
    build(root, site, cache=True)
    assert b"Small groups" in (site / "services/stammering-clinic/index.html").read_bytes()
    assert sorted(p.name for p in owned.iterdir()) == ["00.pickle"]
    assert (owned / "00.pickle").read_bytes() == b"mine"


@pytest.mark.parametrize("then", ["no-cache", "another folder"])
def test_a_build_that_keeps_no_record_leaves_none_of_the_site_it_replaced(
    tmp_path: Path, then: str
) -> None:
    """A ``--no-cache`` build into the site folder replaces the site the record describes
    and keeps no record of its own: so the record goes, and the next build is a full one,
    though the site's files have the names and sizes it recorded (an edit of the same
    length, undone). A ``--no-cache`` build into another folder leaves the record be."""
    root = buildable(tmp_path)
    site = build(root, tmp_path / "site", cache=True)
    record = root / CACHE_DIR / "site.json"
    untouched = (site / "docs-page" / "index.html").stat().st_ino
    describe_clinic(root, "Therapy for children who stutter.")  # as long as the first
    build(root, site if then == "no-cache" else tmp_path / "other", cache=False)
    assert record.is_file() == (then == "another folder")
    describe_clinic(root, "Therapy for children who stammer.")
    build(root, site, cache=True)
    incremental = (site / "docs-page" / "index.html").stat().st_ino == untouched
    assert incremental == (then == "another folder")
    assert_same_site(site, build(root, tmp_path / "clean", cache=False))


def test_a_site_restored_from_a_hosts_cache_still_builds_incrementally(tmp_path: Path) -> None:
    """CI keeps ``build/`` and ``site/`` in its host's cache, which gives back new files of
    the same names and bytes: the next build still starts from them, and equals a clean one;
    a site edited by hand since is not started from."""
    root = buildable(tmp_path)
    site = build(root, tmp_path / "site", cache=True)
    restored = tmp_path / "restored"
    shutil.copytree(site, restored)  # as a cache restores it: every file a new one
    shutil.rmtree(site)
    restored.rename(site)
    before = inodes(site)
    services = data_file(root, "services")
    text = services.read_text(encoding="utf-8")
    services.write_text(text.replace("Therapy for children who stammer.", "Groups."), "utf-8")
    build(root, site, cache=True)
    assert inodes(site)["docs-page/index.html"] == before["docs-page/index.html"]  # linked
    assert_same_site(site, build(root, tmp_path / "clean", cache=False))

    (site / "docs-page" / "index.html").write_bytes(b"edited by hand")  # not ours any more
    services.write_text(text, "utf-8")
    build(root, site, cache=True)
    assert (site / "docs-page" / "index.html").read_bytes() != b"edited by hand"
    assert_same_site(site, build(root, tmp_path / "clean-2", cache=False))


#: A value of a data file: ``key: value`` on one line (the key's own, or after ``- ``).
FIELD = re.compile(r"^(\s*(?:- )?)([a-z_]+): (\S.*)$")


def sample_edits() -> list[tuple[str, int, str]]:
    """Edits of the sample's data that a page may show anywhere (a service's name on other
    pages' cards and "similar" lists, a term's name on every page that uses it, a setting
    on every page, a date that moves a survey from open to closed…): each a file, a line
    and the value put there, another value the same key has in the file where there is
    one, else the value with a word added. Chosen by a fixed seed, so every run tests the
    same edits."""
    choose = random.Random(25)
    edits = []
    for path in sorted((ROOT / "data").rglob("*.yaml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        values: dict[str, set[str]] = {}
        fields = []
        for number, line in enumerate(lines):
            if match := FIELD.match(line):
                values.setdefault(match[2], set()).add(match[3])
                fields.append((number, match))
        for number, match in choose.sample(fields, min(2, len(fields))):
            others = sorted(values[match[2]] - {match[3]})
            value = choose.choice(others) if others else f"{match[3]} again"
            edits.append((path.relative_to(ROOT).as_posix(), number, value))
    return edits


def test_after_any_edit_a_warm_run_makes_the_pages_a_cold_one_does(tmp_path: Path) -> None:
    """Every page a run with the cache makes (or every problem it finds) is what a run
    without it makes, after each of the sample's edits and after undoing it: the pages
    known from the last run are only those whose inputs are all unchanged."""
    root = copy_project(tmp_path / "project")

    def made(cache: bool) -> object:
        try:
            return run(root, TODAY, until="generate", cache=cache).pages
        except DataError as exc:
            return [str(problem) for problem in exc.problems]

    made(cache=True)
    edits = sample_edits()
    assert len(edits) >= 12
    for name, number, value in edits:
        path = root / name
        before = path.read_text(encoding="utf-8")
        lines = before.splitlines(keepends=True)
        match = FIELD.match(lines[number].rstrip("\n"))
        assert match
        lines[number] = f"{match[1]}{match[2]}: {value}\n"
        path.write_text("".join(lines), encoding="utf-8")
        assert made(cache=True) == made(cache=False), (name, number, value)
        path.write_text(before, encoding="utf-8")
        assert made(cache=True) == made(cache=False), (name, number, "undone")


def test_a_warm_run_renders_only_the_pages_whose_inputs_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With nothing changed, only a page that reads what has no digest (the whole site
    model) is rendered again; after one service's summary changes, its page and the pages
    that show its card, and no others."""
    import generator.render as render

    root = copy_project(tmp_path / "project")
    rendered: list[str] = []
    real = render._render

    def spy(env: Any, name: str, context: dict[str, Any]) -> str:
        rendered.append(context["page"])
        return real(env, name, context)

    monkeypatch.setattr(render, "_render", spy)
    pages = [p for p in run(root, TODAY, until="generate", cache=True).pages if p.endswith(".md")]
    assert sorted(rendered) == sorted(pages)  # cold: every page
    rendered.clear()
    run(root, TODAY, until="generate", cache=True)
    assert 0 < len(rendered) <= 2, rendered  # accessibility and covers read the whole model
    unchanged = set(rendered)

    services = data_file(root, "services")
    text = services.read_text(encoding="utf-8")
    named = "name: Stammering support group for young people"
    assert named in text
    services.write_text(text.replace(named, f"{named} online"), "utf-8")
    rendered.clear()
    run(root, TODAY, until="generate", cache=True)
    assert "services/stammering-support-group.md" in rendered
    assert len(set(rendered) - unchanged) < len(pages) // 4, rendered
