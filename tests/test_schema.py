"""The editor's JSON Schemas (``generator/schema.py``) agree with ``check``.

An editor reads a data file as YAML 1.2 (the ruamel reader below does too), then checks it
against the schema its first line names. Every bad record of ``test_validate`` must be
underlined there, unless finding it needs more than one record or the files of content/
(``BEYOND_A_SCHEMA``, each with its reason); and what ``check`` accepts must not be.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from ruamel.yaml import YAML, YAMLError
from ruamel.yaml.constructor import SafeConstructor

from generator import kinds
from generator.pipeline import check, generate
from generator.schema import modeline, schemas
from generator.validate import load_project

from .conftest import MINIMAL, ROOT, TODAY, write_project
from .test_validate import MISTAKES, edited, twice

#: What ``check`` finds that a schema cannot, and why; the editor leaves these to ``check``.
BEYOND_A_SCHEMA = {
    "duplicate id": "compares a record with the others",
    "stages must not overlap": "compares a stage with the one before it",
    "so none can follow it": "compares a stage with the one before it",
    "before it starts": "compares two dates, and a schema can compare only numbers",
    "before it opens": "compares two dates, and a schema can compare only numbers",
    "is not a file in content/": "looks in content/",
}


class Yaml12(SafeConstructor):
    """YAML 1.2's core schema, as the language server reads it: yes and dates are text."""


Yaml12.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


def editor_problems(schema: dict[str, Any], text: str) -> list[str]:
    """What an editor underlines in ``text``: a YAML error, or each schema error."""
    reader = YAML(typ="safe", pure=True)
    reader.Constructor = Yaml12
    try:
        data = reader.load(text)
    except YAMLError as exc:  # a duplicate key too, which the editor also underlines
        return [f"YAML: {getattr(exc, 'problem', exc)}"]
    validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    return [
        f"{'.'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(data)
    ]


@functools.cache
def minimal_schemas() -> dict[str, bytes]:
    """The schemas made for the minimal fixture's vocabularies (made once)."""
    return schemas(load_project(MINIMAL).vocabularies)


def minimal_schema(name: str) -> dict[str, Any]:
    """The schema of ``data/<name>.yaml`` for the minimal fixture's vocabularies."""
    schema: dict[str, Any] = json.loads(minimal_schemas()[f"{name}.schema.json"])
    return schema


def named_schema(path: Path) -> dict[str, Any]:
    """The schema a data file names on its first line, read from where the line points."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix), f"{path} does not name its schema on line 1"
    schema: dict[str, Any] = json.loads((path.parent / first[len(prefix) :]).read_text())
    return schema


# --- the sample ----------------------------------------------------------------------------


def test_every_data_file_of_the_sample_names_its_schema_and_passes_it() -> None:
    files = sorted((ROOT / "data").rglob("*.yaml"))
    assert {f.name for f in files} >= set(kinds.files())
    for path in files:
        schema = named_schema(path)
        Draft7Validator.check_schema(schema)
        assert editor_problems(schema, path.read_text(encoding="utf-8")) == [], path


def test_the_schemas_in_the_repository_are_the_ones_the_sample_makes() -> None:
    made = schemas(load_project(ROOT).vocabularies)
    kept = {p.name: p.read_bytes() for p in (ROOT / "schemas").iterdir()}
    assert kept == made, "run `make site` and commit schemas/"
    assert not [w for w in check(ROOT, TODAY).warnings if w.file.startswith("schemas/")]


def test_every_field_has_words_an_editor_shows() -> None:
    """Hovering over any field explains it: every model's fields have docstrings."""
    for name, data in schemas(None).items():
        for model, shape in json.loads(data)["$defs"].items():
            for field, about in shape.get("properties", {}).items():
                assert about.get("description"), f"{name}: {model}.{field} has no description"


def test_term_fields_list_the_projects_own_ids_with_their_names() -> None:
    services = json.loads(schemas(load_project(ROOT).vocabularies)["services.schema.json"])
    levels = services["$defs"]["Service"]["properties"]["levels"]["anyOf"][0]
    assert levels["enum"] == ["universal", "targeted", "specialist"]
    assert len(levels["enumDescriptions"]) == 3


# --- agreement with check -------------------------------------------------------------------

DUPLICATES = [
    pytest.param(name, id=f"{name}-written-twice")
    for name in ("updates", "documents", "surveys", "timeline")
]


@pytest.mark.parametrize(("name", "old", "new", "expected"), MISTAKES)
def test_the_editor_underlines_each_mistake_check_finds(
    name: str, old: str, new: str, expected: list[str]
) -> None:
    underlined = editor_problems(minimal_schema(name), edited(name, old, new))
    beyond = [m for m in expected if any(why in m for why in BEYOND_A_SCHEMA)]
    if len(beyond) < len(expected):
        assert underlined, f"check finds {expected}, the editor nothing"
    else:
        assert underlined == [], f"a schema was not expected to find {expected}"


@pytest.mark.parametrize("name", DUPLICATES)
def test_records_written_twice_are_left_to_check(name: str) -> None:
    assert editor_problems(minimal_schema(name), twice(name)) == []


#: Records ``check`` accepts though YAML 1.2 reads them differently from ``load``.
ACCEPTED = [
    ("services", "levels: universal", "levels: specialist"),  # one term without a list
    ("services", "self_referral: yes", "self_referral: Yes"),
    ("services", "self_referral: yes", "self_referral: on"),
    ("services", "self_referral: yes", "self_referral: TRUE"),
    ("services", "self_referral: no", "self_referral: 0"),
    ("services", "0808 157 0101", "01234567012"),  # a number to YAML 1.2
    ("services", "0808 157 0101", "+44 1632 960000"),
    ("services", "cost: Free", "cost: 0x1F"),  # 31 to YAML 1.2; text to check
    ("services", "cost: Free", "cost: no"),
    ("services", "cost: Free", "cost: 9:30"),
    ("services", "name: Advice line", "name: 2024"),
    ("services", "min_age: 2", "min_age: 010"),
    ("services", "min_age: 2", "min_age: 18"),  # equal to max_age
    ("services", "id: advice-line", "id: 2024"),
    ("services", "    cost: Free\n", "    cost: Free\n    status: temporarily closed\n"),
    ("documents", "file: docs-page.md", "url: https://www.example.org/intro.pdf"),
    ("timeline", "    end: 2022-12-31\n", "    end: 2022-12-31\n    steps: []\n"),
]


@pytest.mark.parametrize(("name", "old", "new"), ACCEPTED)
def test_what_check_accepts_the_editor_does_not_underline(
    tmp_path: Path, name: str, old: str, new: str
) -> None:
    text = edited(name, old, new)
    load_project(write_project(tmp_path, **{name: text}))  # check accepts it
    assert editor_problems(minimal_schema(name), text) == []


# --- kept up to date -----------------------------------------------------------------------


def test_a_new_term_reaches_the_schema_at_the_next_generate_and_check_warns_till_then(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path)
    generate(root, TODAY, docs_dir=tmp_path / "docs")
    path = root / "schemas" / "services.schema.json"
    assert "advanced" not in path.read_text()
    vocabularies = root / "data" / "vocabularies.yaml"
    text = vocabularies.read_text().replace(
        "  levels:\n", "  levels:\n    - id: advanced\n      name: Advanced\n"
    )
    vocabularies.write_text(text)
    stale = [str(w) for w in check(root, TODAY).warnings if w.file.startswith("schemas/")]
    assert stale == [  # only services have levels
        "schemas/services.schema.json:1: warning: out of date with the data files' rules or "
        "vocabularies.yaml, so an editor checks against old ones; `make site` writes it afresh"
    ]
    generate(root, TODAY, docs_dir=tmp_path / "docs")
    assert '"advanced"' in path.read_text()
    assert not [w for w in check(root, TODAY).warnings if w.file.startswith("schemas/")]


def test_a_file_of_the_services_folder_names_the_same_schema(tmp_path: Path) -> None:
    assert modeline("services/acme.yaml") == (
        "# yaml-language-server: $schema=../../schemas/services.schema.json"
    )
    root = tmp_path / "project"
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "schemas", root / "schemas")
    folder_file = root / "data" / "services" / "acme.yaml"
    folder_file.parent.mkdir()
    services = (ROOT / "data" / "services.yaml").read_text(encoding="utf-8")
    folder_file.write_text(modeline("services/acme.yaml") + "\n" + services, encoding="utf-8")
    assert named_schema(folder_file) == named_schema(root / "data" / "services.yaml")


# --- readable outside the generator: ECMA-262 patterns, check-jsonschema ---------------------


def _patterns(node: Any) -> list[str]:
    """Every ``pattern`` of a schema."""
    if isinstance(node, list):
        return [p for item in node for p in _patterns(item)]
    if not isinstance(node, dict):
        return []
    found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
    return found + [p for key, v in node.items() if key != "enum" for p in _patterns(v)]


@functools.cache
def every_pattern() -> list[str]:
    """The patterns of every schema, the sample's and the minimal fixture's."""
    made = [*schemas(load_project(ROOT).vocabularies).values(), *minimal_schemas().values()]
    return sorted({p for data in made for p in _patterns(json.loads(data))})


#: Compiles each pattern as JavaScript does, with the ``u`` flag JSON Schema's validators use
#: (check-jsonschema's too), and tests each against each string.
_JAVASCRIPT = """
const {patterns, strings} = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = {errors: [], matches: []};
for (const p of patterns) {
  try { const r = new RegExp(p, "u"); out.matches.push(strings.map(s => r.test(s))); }
  catch (e) { out.errors.push(p + ": " + e.message); out.matches.push(null); }
}
console.log(JSON.stringify(out));
"""


def javascript(strings: list[str]) -> dict[str, Any]:
    node = shutil.which("node")
    assert node, "node is needed to compile the patterns as JavaScript does"
    given = json.dumps({"patterns": every_pattern(), "strings": strings})
    result = subprocess.run(
        [node, "-e", _JAVASCRIPT], input=given, capture_output=True, text=True, check=True
    )
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def _texts(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return [value] if isinstance(value, str) else []


def test_every_schema_pattern_compiles_as_ecma_262_with_the_u_flag() -> None:
    """JSON Schema's patterns are ECMA-262; ``\\"`` in a character class, which Python takes,
    is an error in JavaScript's unicode mode (check-jsonschema stopped at it)."""
    assert len(every_pattern()) > 5
    assert javascript([])["errors"] == []


def test_every_pattern_means_to_javascript_what_it_means_to_check() -> None:
    """Tried on every value of the sample and on the values check refuses, each pattern
    matches in JavaScript exactly where Python's ``re`` (which ``check`` uses) matches."""
    values = {t for p in (ROOT / "data").glob("*.yaml") for t in _texts(load_project_data(p))}
    values |= {new.split(": ", 1)[-1].strip() for _, _, new, _ in (m.values for m in MISTAKES)}
    values |= {
        'https://example.org/"onmouseover=alert(1)', "https://example.org/`x`", "a\"b@c.org",
        "a b@c.org", "x@y", "javascript:alert(1)", "CM1 1QH", "cm11qh", "0300 123 4567",
        "+44 1632 960000", "01632960000", "2026-11-20", "2101-01-01", "../secret.txt",
        "a\\b.md", "C:/x", "docs/../x", "documents/plan.pdf", "yes", "Off", "1.4.3", "4.1.10",
        "https://www.example.org/a/", "https://x.org:8080/a_b~c/", "talk-and-play", "Talk",
    }  # fmt: skip
    strings = sorted(v for v in values if "\n" not in v)
    answer = javascript(strings)
    for pattern, matches in zip(every_pattern(), answer["matches"], strict=True):
        python = [re.search(pattern, s) is not None for s in strings]
        differ = [s for s, py, js in zip(strings, python, matches, strict=True) if py != js]
        assert not differ, f"{pattern} differs in JavaScript on {differ}"


def load_project_data(path: Path) -> Any:
    """A data file's values as ``check`` reads them (every scalar as text)."""
    from generator.load import load_yaml

    source, found = load_yaml(path, f"data/{path.name}")
    assert not found
    return source.data


def test_check_jsonschema_validates_the_samples_files_against_the_schemas(
    tmp_path: Path,
) -> None:
    """The usual pre-commit hook for schemas reads them, and finds the sample's files good."""
    folder = tmp_path / "schemas"
    folder.mkdir()
    for name, data in schemas(load_project(ROOT).vocabularies).items():
        (folder / name).write_bytes(data)
    for path in sorted((ROOT / "data").glob("*.yaml")):
        schema = folder / path.name.replace(".yaml", ".schema.json")
        result = subprocess.run(
            [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), str(path)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 0, f"{path.name}: {result.stdout}{result.stderr}"
        assert "ok -- validation done" in result.stdout
