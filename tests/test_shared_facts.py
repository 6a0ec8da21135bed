"""The facts the generator and the site's scripts share (addresses, the id rule, filter
keys, shard size, search tag) are written once, in Python (``search.facts``): every page
gives them to the scripts in ``data-lo-facts``, and the scripts hold none of their own."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import models, search
from generator.pipeline import check

from .conftest import ROOT, TODAY

SCRIPTS = ROOT / "theme" / "assets" / "javascripts"
FIND = SCRIPTS / "local-offer-find.js"
SHORTLIST = SCRIPTS / "shortlist.js"
CARDS = SCRIPTS / "local-offer.js"  # the card, filled from the facts of generator/search.py
FIXTURE = Path(__file__).parent / "fixtures" / "golden"

_STRING = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'")
_REGEX = re.compile(r"(?<![\w)\]])/(?![/*])(?:[^/\\\n\[]|\\.|\[(?:[^\]\\\n]|\\.)*\])+/[gimsuy]*")
_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\"'\\])//[^\n]*", re.S)


def _code(path: Path) -> str:
    """The script without its comments (which may name the facts, as this file does)."""
    return _COMMENT.sub(" ", path.read_text())


def _literals(path: Path) -> list[str]:
    """The script's string and regular-expression literals, as written."""
    code = _code(path)
    return [m[1:-1] for m in _STRING.findall(code)] + _REGEX.findall(code)


def _attributes(html: str, name: str) -> list[str]:
    found: list[str] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend(v for k, v in attrs if k == name and v is not None)

    Reader(convert_charrefs=True).feed(html)
    return found


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return {
        name: data.decode()
        for name, data in check(FIXTURE, TODAY).pages.items()
        if name.endswith(".md")
    }


def test_every_page_gives_the_scripts_the_generators_facts(pages: dict[str, str]) -> None:
    facts = search.facts()
    for name, page in pages.items():
        given = _attributes(page, "data-lo-facts")
        assert len(given) == 1, f"{name} gives data-lo-facts {len(given)} times"
        assert json.loads(given[0]) == facts, name


def test_the_facts_are_the_generators_own(pages: dict[str, str]) -> None:
    """The addresses are those of the pages and files the build writes."""
    facts = search.facts()
    assert facts["service"] == "services/{id}/"
    assert facts["list"] == "my-list/"
    assert "services/speech-and-language-therapy-drop-in.md" in pages or any(
        name.startswith("services/") for name in pages
    )
    files = check(FIXTURE, TODAY).pages
    assert search.CARDS_FILE.format(n=0) in files
    assert search.VALUE_FILE.format(key="running", value="yes") in files
    assert facts["id"] == f"^(?:{models.SLUG.pattern})$" and facts["maxId"] == models.MAX_ID
    assert facts["shard"] == search.SHARD and facts["filters"] == list(search.CHOSEN)


def test_the_directorys_form_asks_for_exactly_the_filters_the_scripts_read() -> None:
    """services.html names its fields; local-offer-find.js reads ``facts.filters`` of them;
    search.py writes a file for each value of each (and ``running``, which no one chooses).
    The sample project has every vocabulary, so its form has every filter."""
    files = check(ROOT, TODAY).pages
    names = set(_attributes(files["services/index.md"].decode(), "name")) - {"closed"}
    assert names == set(search.CHOSEN)
    keys = {name.split("/")[1].split("-")[0] for name in files if name.startswith("filters/")}
    assert keys - {"cards"} == set(search.CHOSEN) | {"running"}


@pytest.mark.parametrize("script", [FIND, SHORTLIST, CARDS], ids=lambda p: p.name)
def test_the_scripts_hold_no_fact_of_their_own(script: Path) -> None:
    facts = search.facts()
    literals = _literals(script)
    assert literals, "the script's literals were not found"
    tags = [search.TAG_PREFIX + key for key in search.RANKED]
    for literal in literals:
        for part in ("services/", "my-list/", "filters/", "cards-"):
            assert part not in literal, (
                f"{script.name} writes {literal!r}: the address is the generator's (search.facts)"
            )
        tagged = any(literal.startswith(t) and literal.isalnum() for t in tags)
        assert literal != search.TAG_PREFIX and not tagged, (
            f"{script.name} writes the search tag in {literal!r}: it is facts['tag']"
        )
        assert "a-z0-9" not in literal, f"{script.name} writes the id rule or the tag's: {literal}"
        # Filter keys that only the directory's form names (area, self and running are
        # also values the search ranks by, which the find script asks for by name).
        assert literal not in set(search.CHOSEN) - set(search.RANKED), (
            f"{script.name} names the filter {literal!r}: the filters are facts['filters']"
        )
    numbers = {int(n) for n in re.findall(r"(?<![\w.])\d+(?![\w.])", _code(script))}
    if script == FIND:
        assert facts["shard"] not in numbers, "local-offer-find.js writes the shard size"
    assert facts["maxId"] not in numbers, f"{script.name} writes the longest id"


def test_the_browser_reads_the_rules_as_python_does() -> None:
    """The id rule and the search tag, as the scripts apply them (``new RegExp``), give
    what Python's give: the two regular-expression dialects agree on these patterns."""
    assert shutil.which("node"), "node is needed (.ci/run installs npm, which brings it)"
    facts = search.facts()
    ids = ["speech", "speech-2", "a-b-c", "", "-a", "a-", "a--b", "A", "a_b", "é", "a b"]
    values = ["southend", "castle-point", "yes", "Mixed Case", "a_b.c", "año"]
    program = (
        "const f = JSON.parse(process.argv[1]); const ids = JSON.parse(process.argv[2]);"
        "const values = JSON.parse(process.argv[3]); const id = new RegExp(f.id);"
        "const drop = new RegExp(f.tagDrop, 'g');"
        "console.log(JSON.stringify([ids.map((s) => id.test(s)),"
        " values.map((v) => f.tag + 'area' + v.replace(drop, ''))]));"
    )
    done = subprocess.run(
        ["node", "-e", program, json.dumps(facts), json.dumps(ids), json.dumps(values)],
        capture_output=True,
        text=True,
        check=True,
    )
    matched, tags = json.loads(done.stdout)
    assert matched == [bool(models.SLUG.fullmatch(s)) for s in ids]
    assert tags == [search.tag("area", v) for v in values]
