"""Messages comms staff get: each names the record by what they typed, at the line where the
mistake can be mended, with a hint that is right; EDITING.md's table of common errors
quotes them exactly; a second preview says in one line that its port is taken."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator import load
from generator.errors import DataError
from generator.pipeline import check

from .conftest import MINIMAL, ROOT, TODAY, copy_project, problems, write_project


def fixture_text(name: str) -> str:
    return (MINIMAL / "data" / f"{name}.yaml").read_text(encoding="utf-8")


def edited(name: str, old: str, new: str, text: str | None = None) -> str:
    """The fixture's ``data/<name>.yaml`` (or ``text``) with ``old``, found once, replaced."""
    text = fixture_text(name) if text is None else text
    assert text.count(old) == 1, f"{old!r} should occur once"
    return text.replace(old, new)


def check_problems(root: Path) -> list[str]:
    """What ``check`` reports for ``root`` (templates and links too), one string a problem."""
    with pytest.raises(DataError) as info:
        check(root, TODAY)
    return [str(problem) for problem in info.value.problems]


# --- every message names its record ---------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "word"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (10, "10th"), (11, "11th"),
     (12, "12th"), (13, "13th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (101, "101st"),
     (111, "111th"), (112, "112th"), (1001, "1,001st")],
)  # fmt: skip
def test_records_are_counted_from_one_as_people_count(n: int, word: str) -> None:
    assert load.ordinal(n) == word


NAMED = [
    pytest.param(
        "services",
        "[targeted, specialist]",
        "[targetted, specialist]",
        "data/services.yaml:24: services[1].levels[0] (the 2nd service, id stammering-clinic):"
        " 'targetted' is not one of universal, targeted, specialist",
        id="by-its-id",
    ),
    pytest.param(
        "services",
        "id: advice-line",
        "id: Advice Line",
        "data/services.yaml:2: services[0].id (the 1st service, 'Advice line'): 'Advice Line'"
        " is not an id: use a-z, 0-9 and hyphens",
        id="by-its-name-when-the-id-is-mistyped",
    ),
    pytest.param(
        "services",
        "  - id: advice-line\n    name: Advice line\n",
        "  - name:\n",
        "data/services.yaml:2: services[0].name (the 1st service): is empty; give a value or"
        " remove the line",
        id="by-its-place-alone-with-neither",
    ),
    pytest.param(
        "updates",
        "id: project-launch",
        "id: Project launch",
        "data/updates.yaml:2: updates[0].id (the 1st update, 'The project has started'):"
        " 'Project launch' is not an id: use a-z, 0-9 and hyphens",
        id="by-its-title",
    ),
    pytest.param(
        "services",
        "    delivery: [clinic]\n    areas: [essex]\n    last_reviewed: 2026-10-01",
        "    delivery: [clinic]\n    locations:\n      - name: Hub\n        postcode: nowhere\n"
        "    areas: [essex]\n    last_reviewed: 2026-10-01",
        "data/services.yaml:41: services[1].locations[0].postcode (the 1st location, 'Hub', of"
        " the 2nd service, id stammering-clinic): 'nowhere' is not a UK postcode",
        id="a-record-inside-a-record",
    ),
    pytest.param(
        "vocabularies",
        "      name: Family support\n",
        "      name: Family support\n      synonyms: support\n",
        "data/vocabularies.yaml:8: vocabularies.strands[0].synonyms (the 1st strand, id"
        " family-support): must be a list (lines starting with '- '), not the text 'support'",
        id="a-vocabulary-term",
    ),
    pytest.param(
        "site",
        "  short_name: Minimal Project\n",
        "",
        "data/site.yaml:1: site.short_name: is missing; this field is required",
        id="nothing-added-in-a-file-of-one-record",
    ),
    pytest.param(
        "services",
        "    cost: Free\n",
        "    cost: Free\n    cost: Free\n",
        "data/services.yaml:35: services[1].cost (the 2nd service, id stammering-clinic):"
        " duplicate key 'cost' (first given on line 34)",
        id="while-the-file-is-read",
    ),
    pytest.param(
        "services",
        "id: advice-line\n    name: Advice line",
        'id: Advice Line\n    name: "Advice \\u202eline\\nand more"',
        "data/services.yaml:2: services[0].id (the 1st service, 'Advice \\u202eline…'):"
        " 'Advice Line' is not an id: use a-z, 0-9 and hyphens",
        id="names-escaped-and-cut-to-their-first-line",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "expected"), NAMED)
def test_every_message_names_the_record_by_what_was_typed(
    tmp_path: Path, name: str, old: str, new: str, expected: str
) -> None:
    assert expected in problems(write_project(tmp_path, **{name: edited(name, old, new)}))


def test_the_21st_record_is_the_21st(tmp_path: Path) -> None:
    services = fixture_text("services")
    record = services.split("services:\n", 1)[1].split("  - id: stammering-clinic\n")[0]
    many = "services:\n" + "".join(
        record.replace("id: advice-line", f"id: line-{n}") for n in range(1, 22)
    )
    many = many.replace(
        "id: line-21\n    name: Advice line", "id: line-21\n    name: Advice line\n    nmae: x"
    )
    [found] = problems(write_project(tmp_path, services=many))
    assert "services[20].nmae (the 21st service, id line-21): unknown field 'nmae'" in found


def test_a_warning_names_its_record_too(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        services=edited("services", "last_reviewed: 2026-10-01", "last_reviewed: 2024-01-02"),
    )
    assert [str(w) for w in check(root, TODAY).warnings if "overdue" in str(w)] == [
        "data/services.yaml:40: services[1].last_reviewed (the 2nd service, id stammering-clinic):"
        " warning: overdue for review: last reviewed 2024-01-02, due 2025-01-02 (12 months later)"
    ]


def test_a_known_issue_of_the_statement_is_counted(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    path = root / "data" / "accessibility.yaml"
    issue = (
        "known_issues:\n    - issue: The map cannot be used with a keyboard.\n"
        "      criterion: 2.1\n      plan: A list of the hubs.\n      fix_by: 2027-03-31\n"
    )
    path.write_text(edited("", "known_issues: []\n", issue, path.read_text(encoding="utf-8")))
    [found] = problems(root)
    assert found.startswith("data/accessibility.yaml:")
    assert ": accessibility.known_issues[0].criterion (the 1st known issue): '2.1' is not" in found


# --- YAML slips: the line to mend, and a hint that is right ---------------------------------

SAMPLE_SERVICES = (ROOT / "data" / "services.yaml").read_text(encoding="utf-8")


def sample_problems(tmp_path: Path, change: Callable[[list[str]], None]) -> list[str]:
    """The problems of a copy of the sample whose services.yaml lines ``change`` edits."""
    root = copy_project(tmp_path / "project")
    lines = SAMPLE_SERVICES.split("\n")
    change(lines)
    (root / "data" / "services.yaml").write_text("\n".join(lines), encoding="utf-8")
    return problems(root)


def line_of(text: str) -> int:
    """The line (from one) of the sample's services.yaml that ``text`` starts, first seen."""
    return SAMPLE_SERVICES.split("\n").index(text) + 1


def test_one_extra_space_before_a_field_is_called_what_it_is(tmp_path: Path) -> None:
    """The issue's slip: ``max_age:`` one space further in than ``min_age:`` above it."""
    line = line_of("    max_age: 19")

    def indent(lines: list[str]) -> None:
        lines[line - 1] = " " + lines[line - 1]

    [found] = sample_problems(tmp_path, indent)
    assert found == (
        f"data/services.yaml:{line}: YAML syntax error: mapping values are not allowed here (hint:"
        " this line is indented further than the line above it; start max_age in the same column"
        " as the other fields of its record)"
    )
    assert "quotes" not in found


def test_a_colon_in_text_still_gets_the_quotes_hint(tmp_path: Path) -> None:
    line = line_of("    name: Speech and language advice line")

    def colon(lines: list[str]) -> None:
        lines[line - 1] = "    name: Speech: and language advice line"

    assert sample_problems(tmp_path, colon) == [
        f"data/services.yaml:{line}: YAML syntax error: mapping values are not allowed here (hint:"
        " text with a colon and a space in it (': ') must be in quotes, such as"
        ' name: "Speech: help for families")'
    ]


def test_a_quote_never_closed_is_reported_where_it_opened(tmp_path: Path) -> None:
    line = line_of("    name: Speech and language advice line")

    def unclosed(lines: list[str]) -> None:
        lines[line - 1] = '    name: "Speech and language advice line'

    assert sample_problems(tmp_path, unclosed) == [
        f"data/services.yaml:{line}: YAML syntax error: while scanning a quoted scalar: found"
        " unexpected end of stream (hint: a quote opened here is never closed; end the text"
        " with the same quote mark it starts with)"
    ]


def test_a_quote_closed_by_a_later_apostrophe_is_reported_where_it_opened(
    tmp_path: Path,
) -> None:
    lines = SAMPLE_SERVICES.split("\n")
    line = next(
        i for i, text in enumerate(lines) if text.startswith("    organisation: Children's")
    )
    assert re.fullmatch(r"    \w+: [\w ]+", lines[line - 1]), "a field of plain words above it"

    def unclosed(lines: list[str]) -> None:  # a quote opened on the line above, not closed
        lines[line - 1] = lines[line - 1].replace(": ", ": '", 1)

    [found] = sample_problems(tmp_path, unclosed)
    assert found.startswith(f"data/services.yaml:{line}: YAML syntax error: ")
    assert found.endswith(
        f"(hint: a quote opened on this line is not closed on it, so the text runs on to line"
        f" {line + 1}; end the text with the same quote mark it starts with; in text inside"
        " '…', write each apostrophe as '')"
    )


def test_a_list_never_closed_gets_a_hint_at_its_opening_line(tmp_path: Path) -> None:
    line = line_of("    strands: [family-support, identification-of-need]")

    def unclosed(lines: list[str]) -> None:
        lines[line - 1] = lines[line - 1].rstrip("]")

    assert sample_problems(tmp_path, unclosed) == [
        f"data/services.yaml:{line}: YAML syntax error: while parsing a flow sequence: expected"
        " ',' or ']', but got ':' (hint: the list opened with '[' on this line is never closed;"
        " end it with ']' on this line)"
    ]


# --- links in content/ pages, at their own line ---------------------------------------------


def test_a_broken_link_in_a_content_page_is_reported_at_its_line(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    glossary = root / "content" / "glossary.md"
    lines = glossary.read_text(encoding="utf-8").split("\n")
    lines[126:126] = ["See [Talk time](services/talk-time.md) for more."]
    glossary.write_text("\n".join(lines), encoding="utf-8")
    assert check_problems(root) == [
        "content/glossary.md:127: link to 'services/talk-time.md': there is no page or file"
        " services/talk-time.md in the site"
    ]


def test_links_are_found_relative_to_the_page_after_its_front_matter(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    page = root / "content" / "documents" / "new-page.md"
    page.write_text(
        "---\ntitle: A new page\n---\n\nFirst, [the glossary](../glossary.md).\n\n"
        "Then [a section][gone].\n\n[gone]: ../glossary.md#no-such-section\n",
        encoding="utf-8",
    )
    assert check_problems(root) == [
        "content/documents/new-page.md:9: link to 'glossary.md#no-such-section': the page"
        " glossary.md has no section '#no-such-section'"
    ]


# --- EDITING.md's table of common errors: each line as the message says it -----------------

EDITING = (ROOT / "EDITING.md").read_text(encoding="utf-8")
TABLE = EDITING.split("## Fix the commonest errors", 1)[1].split("\n## ", 1)[0]
#: The first column's code spans: what a person sees, ``…`` standing for the rest.
SEEN = [
    span
    for row in TABLE.splitlines()
    if row.startswith("| `")
    for span in re.findall(r"`([^`]+)`", re.split(r"(?<!\\)\|", row)[1])
]


def _services(old: str, new: str) -> Callable[[Path], list[str]]:
    return lambda tmp: problems(write_project(tmp, services=edited("services", old, new)))


def _duplicate(tmp: Path) -> list[str]:
    services = "#\n" * 8 + fixture_text("services")
    services = services.replace("id: advice-line", "id: talk-time")
    services = services.replace("id: stammering-clinic", "id: talk-time")
    return problems(write_project(tmp, services=services))


def _fourth(tmp: Path) -> list[str]:
    text = fixture_text("services")
    record = "  - id: stammering-clinic\n" + text.split("  - id: stammering-clinic\n")[1]
    more = [record.replace("stammering-clinic", ident) for ident in ("clinic-2", "talk-and-play")]
    more[1] = more[1].replace("[targeted, specialist]", "[targetted, specialist]")
    return problems(write_project(tmp, services=text + "".join(more)))


def _unknown_field(tmp: Path) -> list[str]:
    site = edited("site", "    email: team@example.org\n", "    email: team@example.org\n"
                  "    adress: 1 High Street\n")  # fmt: skip
    return problems(write_project(tmp, site=site))


def _overdue(tmp: Path) -> list[str]:
    services = edited("services", "last_reviewed: 2026-10-01", "last_reviewed: 2024-01-02")
    return [str(w) for w in check(write_project(tmp, services=services), TODAY).warnings]


#: A slip that makes each message of the table, as staff make it.
SLIPS: dict[str, Callable[[Path], list[str]]] = {
    "services[3].levels[0] (the 4th service, id talk-and-play):": _fourth,
    "mapping values are not allowed here (hint: text with a colon …)": _services(
        "name: Advice line", "name: Advice: call us"
    ),
    "mapping values are not allowed here (hint: this line is indented further than the line "
    "above it …)": _services("    max_age: 18", "     max_age: 18"),
    "a tab is used for indentation": _services("    levels: universal", "\tlevels: universal"),
    "expected <block end>, but found … (hint: check the indentation …)": _services(
        "    organisation: Sample NHS trust\n    description: A phone",
        "   organisation: Sample NHS trust\n    description: A phone",
    ),
    "could not find expected ':' (hint: a line that carries on …)": _services(
        "    eligibility: Anyone in Essex.\n", "    eligibility: Anyone who lives\n    in Essex.\n"
    ),
    "found unexpected end of stream (hint: a quote opened here is never closed …)": _services(
        "name: Stammering clinic", 'name: "Stammering clinic'
    ),
    "(hint: a quote opened on this line is not closed on it, so the text runs on to line …)": (
        _services(
            "    name: Advice line\n    organisation: Sample NHS trust",
            "    name: 'Advice line\n    organisation: Children's NHS trust",
        )
    ),
    "(hint: text that starts with a quote mark must end with it …)": _services(
        "name: Advice line", 'name: "Advice" line'
    ),
    "expected ',' or ']', but got … (hint: the list opened with '[' on this line is never "
    "closed …)": _services("    needs: [stammering]", "    needs: [stammering"),
    "'20/11/2026' is not a real date written as YYYY-MM-DD (for 20 November 2026, write "
    "2026-11-20)": _services("last_reviewed: 2026-09-14", "last_reviewed: 20/11/2026"),
    "'targetted' is not one of universal, targeted, specialist": _services(
        "levels: universal", "levels: targetted"
    ),
    "duplicate id 'talk-time' (also used on line 10)": _duplicate,
    "unknown field 'adress' (did you mean 'address'?)": _unknown_field,
    "is missing; this field is required": _services("    name: Stammering clinic\n", ""),
    "warning: overdue for review": _overdue,
}


def test_the_table_quotes_only_messages_this_test_makes() -> None:
    assert SEEN and sorted(SEEN) == sorted(SLIPS)


@pytest.mark.parametrize("seen", SLIPS)
def test_each_message_of_the_table_is_what_check_says(tmp_path: Path, seen: str) -> None:
    found = SLIPS[seen](tmp_path)
    parts = seen.split("…")  # "… " stands for the rest of a sentence, its own stop too
    wanted = re.compile(".*?".join(re.escape(part.rstrip()) for part in parts))
    assert found and any(wanted.search(message) for message in found), found


# --- a second preview -----------------------------------------------------------------------


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port that a program is listening on, as a preview already running would be."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield held.getsockname()[1]


def test_a_taken_port_is_one_line_naming_the_command_to_use(taken_port: int) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator.plugin", "--port", str(taken_port)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == (
        f"port {taken_port} is taken, perhaps by a preview already running"
        f" (http://127.0.0.1:{taken_port}/); to start another, use: make serve"
        f" PORT={taken_port + 1}\n"
    )


def test_a_free_port_is_said_nothing_about() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = subprocess.run(
        [sys.executable, "-m", "generator.plugin", "--port", str(port)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_a_second_make_serve_stops_at_once_with_one_line(taken_port: int) -> None:
    outer = ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")  # as typed by a person, even under make test
    result = subprocess.run(  # -o: the .venv these tests run in is taken as it is
        ["make", "--no-print-directory", "-o", ".venv/.site", "serve", f"PORT={taken_port}"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        env={k: v for k, v in os.environ.items() if k not in outer},
    )  # fmt: skip
    assert result.returncode != 0
    assert result.stdout == ""  # nothing generated, MkDocs never started
    first, *rest = result.stderr.splitlines()
    assert first.startswith(f"port {taken_port} is taken") and first.endswith(
        f"make serve PORT={taken_port + 1}"
    )
    assert all(line.startswith("make: ***") for line in rest), rest
    assert "Traceback" not in result.stderr


def test_mkdocs_serve_itself_stops_with_the_same_line(tmp_path: Path, taken_port: int) -> None:
    root = copy_project(tmp_path / "project")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr",
         f"127.0.0.1:{taken_port}"],
        cwd=root, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    assert result.returncode == 1
    assert f"port {taken_port} is taken" in result.stderr
    assert "Traceback" not in result.stderr and "Address already in use" not in result.stderr


def test_the_site_models_records_still_know_where_they_were_typed() -> None:
    """A record of the site model (a service as the site shows it today) names its file and
    line in a message, as the validated record does (it said "(unknown):1")."""
    from generator.model import build_model
    from generator.validate import load_project

    project = load_project(ROOT)
    site = build_model(project, TODAY)
    for shown_, typed in zip(
        sorted(site.services, key=lambda s: s.id),
        sorted(project.services, key=lambda s: s.id),
        strict=True,
    ):
        assert str(shown_.problem("name", "x")) == str(typed.problem("name", "x"))
        assert str(shown_.problem("name", "x")).startswith("data/services.yaml:")
    for stage, typed_stage in zip(site.timeline, project.timeline, strict=True):
        assert str(stage.problem(None, "x")) == str(typed_stage.problem(None, "x"))
