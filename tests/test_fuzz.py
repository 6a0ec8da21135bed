"""Property tests: nothing typed into a data file crashes the generator or becomes code.

Every outcome must be either a valid project whose pages render, or a ``DataError`` whose
problems all read ``data/<file>:<line>: …``. Anything else (a traceback, a raw ``<script>``
in a page) fails. Hypothesis runs 2,200 examples over three properties.
"""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import DataError
from generator.load import load_yaml
from generator.pipeline import check

from .conftest import TODAY

FIXTURE = Path(__file__).parent / "fixtures" / "golden"
PROBLEM = re.compile(r"data/[a-z]+\.yaml:[1-9]\d*: \S")
#: ``FUZZ_SCALE=100 pytest tests/test_fuzz.py`` runs a hundred times the examples (the long
#: run outside ``make test``: 220,000 examples).
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
SETTINGS = settings(
    max_examples=100 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Values people (or imports from other systems) might type into any field.
hostile_text = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "{{ 7*7 }}",
        "{% raw %}",
        "| a | b |",
        "no",
        "yes",
        "on",
        "01234",
        "0o17",
        "1e3",
        "~",
        "null",
        "2026-02-30",
        "javascript:alert(1)",
        "[x](javascript:alert(1))",
        '<img src=x onerror="alert(1)">',
        "\t",
        "\u202e",
        "# heading",
        "---",
        "&amp;",
        "\\",
        "' \" `",
    ]
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    hostile_text,
    st.dates().map(str),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def check_outcome(root: Path) -> None:
    """The property: a rendered site with no live markup, or located problems only."""
    try:
        pages = check(root, TODAY).pages
    except DataError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert PROBLEM.match(str(problem)), str(problem)
        return
    for name, page in pages.items():
        if name.endswith(".md"):
            for tag, attrs in markup(page.decode()):
                assert tag not in ("script", "img", "iframe"), (name, tag)
                for key, value in attrs:
                    assert not key.startswith("on"), (name, tag, key)
                    assert not (value or "").strip().lower().startswith("javascript:"), name


def markup(page: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """The elements a browser would make of a generated page (character references read)."""
    found = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Reader(convert_charrefs=True).feed(page)
    return found


def fresh_copy(tmp_path_factory: Any) -> Path:
    """The fixture project as it was, in one folder reused by every example (a folder per
    example filled the disk with 90,000 copies in the long run)."""
    root = tmp_path_factory.getbasetemp() / "fuzz-project"
    if not root.exists():
        shutil.copytree(FIXTURE, root)
    for path in (FIXTURE / "data").iterdir():
        shutil.copyfile(path, root / "data" / path.name)
    return root


SERVICES = yaml.safe_load((FIXTURE / "data" / "services.yaml").read_text())["services"]
FIELDS = sorted({key for service in SERVICES for key in service} | {"nmae", "access.x"})


@SETTINGS
@given(index=st.integers(0, len(SERVICES) - 1), field=st.sampled_from(FIELDS), value=values)
def test_mutated_service_records_give_a_site_or_located_errors(
    tmp_path_factory: Any, index: int, field: str, value: Any
) -> None:
    root = fresh_copy(tmp_path_factory)
    services = [dict(s) for s in SERVICES]
    services[index][field] = value
    (root / "data" / "services.yaml").write_text(yaml.safe_dump({"services": services}))
    check_outcome(root)


@settings(SETTINGS, max_examples=800 * SCALE)
@given(document=values, name=st.sampled_from(["services", "site", "surveys", "timeline"]))
def test_arbitrary_yaml_documents_give_a_site_or_located_errors(
    tmp_path_factory: Any, document: Any, name: str
) -> None:
    root = fresh_copy(tmp_path_factory)
    (root / "data" / f"{name}.yaml").write_text(yaml.safe_dump(document))
    check_outcome(root)


@settings(SETTINGS, max_examples=1300 * SCALE)
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_bytes_load_as_data_or_located_problems(tmp_path_factory: Any, raw: bytes) -> None:
    path = tmp_path_factory.getbasetemp() / "services.yaml"
    path.write_bytes(raw)
    source, problems = load_yaml(path, "data/services.yaml")
    for problem in problems:
        assert PROBLEM.match(str(problem)), str(problem)
    assert source.name == "data/services.yaml"
