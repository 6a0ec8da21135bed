"""What a run remembers (``memo.Memo``): nothing outlives a run unless a preview keeps it, and
a preview's rebuild does again only what a save changed. Calls are counted, never timed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import markdown
import pytest

from generator import load, render, sanitise
from generator.memo import Memo
from generator.pipeline import Outcome, run
from generator.plugin import LocalOfferPlugin

from .conftest import ROOT, TODAY, copy_project, write_project

#: Caches a module may keep: pure functions of immutable values, returning immutable values
#: (their docstrings say so), so no run can change what another is given.
PURE = {
    "generator.oruk._uuid5",
    "generator.oruk.plain_text",
    "generator.markup._shape_refused",
    "generator.sanitise.relative_url",  # and as render imports it:
    "generator.render.relative_url",
}


class Counted:
    """The data files parsed, markdown texts converted and pages serialised, by a run."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.parsed: list[str] = []
        self.converted: list[str] = []
        self.serialised: list[str] = []
        parse, convert, inert = load._parse_yaml_afresh, markdown.Markdown.convert, sanitise.inert

        def parsing(text: str, name: str, line_offset: int) -> Any:
            self.parsed.append(name)
            return parse(text, name, line_offset)

        def converting(converter: markdown.Markdown, source: str) -> str:
            self.converted.append(source)
            return convert(converter, source)

        def serialising(html: str, *args: Any) -> str:
            self.serialised.append(html)
            return inert(html, *args)

        monkeypatch.setattr(load, "_parse_yaml_afresh", parsing)
        monkeypatch.setattr(markdown.Markdown, "convert", converting)
        monkeypatch.setattr(render, "inert", serialising)

    def run(self, root: Path, given: Memo | None = None) -> Outcome:
        for made in (self.parsed, self.converted, self.serialised):
            made.clear()
        return run(root, TODAY, until="check", memo=given)


def test_runs_share_nothing_unless_given_the_same_memo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = Counted(monkeypatch)
    first = counted.run(ROOT)
    work = (sorted(counted.parsed), len(counted.converted), len(counted.serialised))
    assert "data/services.yaml" in work[0] and work[1] > 20 and work[2] > 40
    second = counted.run(ROOT)  # a run of its own: everything done again
    assert (sorted(counted.parsed), len(counted.converted), len(counted.serialised)) == work
    assert first.project.sources["services.yaml"] is not second.project.sources["services.yaml"]

    one = Memo()  # what a run makes for itself: nothing kept that only a later run could use
    counted.run(ROOT, one)
    assert one.parsed == {} and one.bodies == {} and one.html and one.converters

    session = Memo(across_runs=True)
    again = [counted.run(ROOT, session) for _ in range(2)]
    assert counted.parsed == counted.converted == counted.serialised == []
    assert again[0].pages == again[1].pages == first.pages
    sources = [outcome.project.sources["services.yaml"] for outcome in again]
    assert sources[0] is not sources[1]  # a new Source each run, of data nothing changes


def test_a_preview_does_again_only_what_a_save_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_project(tmp_path / "project")
    session = Memo(across_runs=True)
    counted = Counted(monkeypatch)
    before = counted.run(root, session)
    services = root / "data" / "services.yaml"
    text = services.read_text(encoding="utf-8")
    edited = text.replace("give\n      you ideas to try", "give\n      you games to try", 1)
    assert edited != text
    services.write_text(edited, encoding="utf-8")

    after = counted.run(root, session)
    assert counted.parsed == ["data/services.yaml"]
    assert len(counted.converted) == 1 and "you games to try" in counted.converted[0]
    assert 0 < len(counted.serialised) < len(before.pages) / 4
    assert after.pages == run(root, TODAY, until="check").pages  # as a run of its own makes
    assert after.pages != before.pages


def test_a_run_leaves_no_module_state_grown(tmp_path: Path) -> None:
    minimal = write_project(tmp_path / "a")
    for warm in (ROOT, minimal):  # first uses fill what depends on the code alone
        run(warm, TODAY, until="check")
    services = minimal / "data" / "services.yaml"
    services.write_text(
        services.read_text(encoding="utf-8")
        .replace("advice-line", "a-new-line")
        .replace("A phone line for questions about talking.", "A *new* line."),
        encoding="utf-8",
    )
    before = _module_state()
    run(minimal, TODAY, until="check")
    grown = {name for name, size in _module_state().items() if size > before.get(name, 0)}
    assert grown <= PURE


def _module_state() -> dict[str, int]:
    """The size of every dict, list, set and functools cache a generator module holds."""
    sizes = {}
    for module_name, module in list(sys.modules.items()):
        if module_name.split(".")[0] != "generator":
            continue
        for name, value in vars(module).items():
            if hasattr(value, "cache_info"):
                sizes[f"{module_name}.{name}"] = value.cache_info().currsize
            elif isinstance(value, dict | list | set):
                sizes[f"{module_name}.{name}"] = len(value)
    return sizes


def test_the_preview_plugin_gives_every_rebuild_its_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    given: list[Memo | None] = []

    def fake_run(root: Path, **options: Any) -> Any:
        given.append(options["memo"])
        raise SystemExit  # what the run does is not this test's

    monkeypatch.setattr("generator.plugin.run", fake_run)
    config: Any = type("Config", (dict,), {"__getattr__": dict.__getitem__})(
        docs_dir="docs", config_file_path=str(ROOT / "mkdocs.yml"), nav=None
    )
    serving, building = LocalOfferPlugin(), LocalOfferPlugin()
    serving.on_startup(command="serve", dirty=False)
    building.on_startup(command="build", dirty=False)
    serving.port_unchecked = False
    for plugin in (serving, serving, building):
        with pytest.raises(SystemExit):
            plugin.on_config(config)
    assert given[0] is given[1] is serving.memo and given[0] is not None
    assert given[0].across_runs and given[2] is None  # a build is a run of its own
