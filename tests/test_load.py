"""Stage 1: reading YAML safely, with every hazard reported as ``file:line: message``.

Edits start from ``tests/fixtures/minimal``; its ``data/services.yaml`` has the
``advice-line`` service on lines 2-18 and ``stammering-clinic`` on lines 19-40.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import load, parallel
from generator.load import load_yaml
from generator.validate import load_project

from .conftest import MINIMAL, problems, write_project

SERVICES = (MINIMAL / "data" / "services.yaml").read_text(encoding="utf-8")


def edited_services(old: str, new: str) -> str:
    assert SERVICES.count(old) == 1, f"{old!r} should occur once in services.yaml"
    return SERVICES.replace(old, new)


def services_problems(tmp_path: Path, services: str | bytes) -> list[str]:
    return problems(write_project(tmp_path, services=services))


# --- syntax ----------------------------------------------------------------------------------


def test_yaml_syntax_error_names_its_line(tmp_path: Path) -> None:
    services = edited_services(
        "strands: [family-support]\n    audiences: [parents]\n    elig",
        "strands: [family-support\n    audiences: [parents]\n    elig",
    )
    assert services_problems(tmp_path, services) == [  # at the line of the '[' left open
        "data/services.yaml:8: YAML syntax error: while parsing a flow sequence:"
        " expected ',' or ']', but got ':' (hint: the list opened with '[' on this line is"
        " never closed; end it with ']' on this line)"
    ]


def test_colon_inside_a_plain_value(tmp_path: Path) -> None:
    services = edited_services("name: Advice line", "name: Advice: call us")
    assert services_problems(tmp_path, services) == [
        "data/services.yaml:3: YAML syntax error: mapping values are not allowed here (hint: text"
        " with a colon and a space in it (': ') must be in quotes, such as"
        ' name: "Speech: help for families")'
    ]


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    services = edited_services("    cost: Free\n", "    cost: Free\n    cost: £5 a session\n")
    assert services_problems(tmp_path, services) == [
        "data/services.yaml:35: services[1].cost (the 2nd service, id stammering-clinic):"
        " duplicate key 'cost' (first given on line 34)"
    ]


def test_duplicate_top_level_key_names_both_lines(tmp_path: Path) -> None:
    assert services_problems(tmp_path, SERVICES + "services: []\n") == [
        "data/services.yaml:41: services: duplicate key 'services' (first given on line 1)"
    ]


def test_tab_used_for_indentation(tmp_path: Path) -> None:
    services = edited_services("    name: Advice line\n", "\tname: Advice line\n")
    assert services_problems(tmp_path, services) == [
        "data/services.yaml:3: YAML syntax error: a tab is used for indentation;"
        " indent with spaces instead"
    ]


def test_a_key_that_is_not_plain_text(tmp_path: Path) -> None:
    services = edited_services("    name: Advice line\n", "    ? [name]\n    : Advice line\n")
    assert services_problems(tmp_path, services) == [
        "data/services.yaml:2: services[0].name (the 1st service, id advice-line): is missing;"
        " this field is required",
        "data/services.yaml:3: services[0] (the 1st service, id advice-line): a key must be"
        " plain text",
    ]


def test_control_character_is_reported_on_its_own_line_in_one_line(tmp_path: Path) -> None:
    """A BEL pasted into a name: PyYAML's reader error has no mark, only a position."""
    services = edited_services("name: Advice line", "name: Advice\x07line")
    assert services_problems(tmp_path, services) == [
        "data/services.yaml:3: contains a control character (#x0007) that is not allowed"
    ]


def test_line_separator_pasted_from_a_word_processor_keeps_line_numbers(tmp_path: Path) -> None:
    """U+2028 (copied from Word or a PDF) is no line break to editors, nor to YAML 1.2.

    The description on line 5 holds one; the only mistake is min_age on line 28.
    """
    services = edited_services(
        "A phone line for questions", "A phone line\N{LINE SEPARATOR}for questions"
    ).replace("min_age: 2", "min_age: two")
    assert services_problems(tmp_path, services) == [
        "data/services.yaml:28: services[1].min_age (the 2nd service, id stammering-clinic):"
        " 'two' is not a whole number"
    ]


# --- encoding --------------------------------------------------------------------------------


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    root = write_project(tmp_path, services=b"\xef\xbb\xbf" + SERVICES.encode())
    assert [s.id for s in load_project(root).services] == ["advice-line", "stammering-clinic"]


def test_byte_order_mark_does_not_shift_lines(tmp_path: Path) -> None:
    path = tmp_path / "services.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + SERVICES.encode())
    source, found = load_yaml(path, "data/services.yaml")
    assert found == []
    assert source.line_of(("services", 1, "name")) == 20


def test_non_utf8_byte_is_reported_with_its_line(tmp_path: Path) -> None:
    services = SERVICES.encode().replace(b"Stammering clinic", b"Stammering \xff clinic")
    assert services_problems(tmp_path, services) == [
        "data/services.yaml:20: is not UTF-8 text (byte 0xff); save the file as UTF-8"
    ]


def test_latin1_file_is_reported_at_the_first_accented_letter(tmp_path: Path) -> None:
    services = edited_services("Anyone in Essex.", "Anyone in Southend-on-Sea, café too.")
    assert services_problems(tmp_path, services.encode("latin-1")) == [
        "data/services.yaml:10: is not UTF-8 text (byte 0xe9); save the file as UTF-8"
    ]


def test_content_page_that_is_not_utf8(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    (root / "content" / "notes.md").write_bytes(b"# Notes\n\nCaf\xe9\n")
    assert problems(root) == ["content/notes.md:3: is not UTF-8 text; save it as UTF-8"]


def test_content_link_to_a_file_outside_content(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    (tmp_path / "secret.md").write_text("secret", encoding="utf-8")
    (root / "content" / "secret.md").symlink_to(tmp_path / "secret.md")
    assert problems(root) == [
        "content/secret.md:1: is a link; put the file itself here, not a link to it"
    ]


# --- shape of the file -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    assert services_problems(tmp_path, text) == [
        "data/services.yaml:1: is empty; it should start with 'services:'"
    ]


def test_top_level_list_where_a_mapping_belongs(tmp_path: Path) -> None:
    text = "- id: advice-line\n  name: Advice line\n"
    assert services_problems(tmp_path, text) == [
        "data/services.yaml:1: holds a list; it should start with 'services:'"
    ]


def test_top_level_text_where_a_mapping_belongs(tmp_path: Path) -> None:
    assert services_problems(tmp_path, "Advice line\n") == [
        "data/services.yaml:1: holds the text 'Advice line'; it should start with 'services:'"
    ]


def test_misspelt_top_level_key(tmp_path: Path) -> None:
    text = SERVICES.replace("services:\n", "service:\n", 1)
    assert services_problems(tmp_path, text) == [
        "data/services.yaml:1: service: unknown field 'service' (did you mean 'services'?)"
    ]


# --- resource limits -------------------------------------------------------------------------


def test_file_over_2_mb_is_refused_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed_sizes: list[int] = []
    compose = load._compose

    def measured_compose(text: str) -> object:
        parsed_sizes.append(len(text))
        return compose(text)

    monkeypatch.setattr(load, "_compose", measured_compose)
    monkeypatch.setattr(parallel, "_alone", lambda: False)  # every file parsed here, counted
    big = SERVICES + "#" * (3 * 1024 * 1024) + "\n"  # valid YAML: one long comment
    assert services_problems(tmp_path, big) == [
        f"data/services.yaml:1: file is {len(big.encode()):,} bytes;"
        " the limit is 2,097,152 bytes (2 MB) a data file"
    ]
    assert len(parsed_sizes) == 6  # the six other data files, and not services.yaml
    assert max(parsed_sizes) < 2 * 1024 * 1024


def test_alias_is_refused_at_the_alias_line(tmp_path: Path) -> None:
    billion_laughs = (
        'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
        "# each line multiplies the one before by nine\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
        "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\nservices: *h\n"
    )
    assert services_problems(tmp_path, billion_laughs) == [
        "data/services.yaml:3: anchors and aliases (*name) are not supported; write the value out"
    ]


def test_alias_to_a_whole_record_is_refused(tmp_path: Path) -> None:
    services = edited_services(
        "  - id: stammering-clinic\n", "  - &clinic\n    id: stammering-clinic\n"
    )
    services += "  - *clinic\n"
    assert services_problems(tmp_path, services) == [
        "data/services.yaml:42: anchors and aliases (*name) are not supported; write the value out"
    ]


def test_5000_levels_of_nesting_is_a_problem_not_a_recursion_error(tmp_path: Path) -> None:
    deep = "services: " + "[" * 5000 + "]" * 5000 + "\n"
    assert services_problems(tmp_path, deep) == [
        "data/services.yaml:1: nested too deeply to be a data file"
    ]


def test_nesting_deeper_than_any_schema_is_cut_off(tmp_path: Path) -> None:
    deep = "services: " + "[" * 40 + "]" * 40 + "\n"
    assert services_problems(tmp_path, deep) == [
        "data/services.yaml:1: nested too deeply to be a data file"
    ]


# --- which files there are -------------------------------------------------------------------


def test_unknown_data_file_suggests_the_name_meant(tmp_path: Path) -> None:
    root = write_project(tmp_path, servics="services: []\n")
    assert problems(root) == ["data/servics.yaml:1: unknown data file; did you mean services.yaml?"]


def test_unknown_data_file_unlike_any_lists_the_names(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    (root / "data" / "notes.txt").write_text("hello", encoding="utf-8")
    (root / "data" / ".editorconfig").write_text("root = true", encoding="utf-8")
    assert problems(root) == [
        "data/notes.txt:1: unknown data file; expected site.yaml, vocabularies.yaml,"
        " services.yaml, timeline.yaml, updates.yaml, surveys.yaml, documents.yaml,"
        " comments.yaml, accessibility.yaml, coverage.yaml"
    ]


@pytest.mark.parametrize("name", ["site", "vocabularies"])
def test_missing_required_file(tmp_path: Path, name: str) -> None:
    assert problems(write_project(tmp_path, **{name: None})) == [
        f"data/{name}.yaml:1: is missing; this file is required"
    ]


def test_missing_services_names_the_folder_too(tmp_path: Path) -> None:
    assert problems(write_project(tmp_path, services=None)) == [
        "data/services.yaml:1: is missing; this file, or a folder data/services/ of such files,"
        " is required"
    ]


@pytest.mark.parametrize("name", ["updates", "timeline", "documents", "surveys"])
def test_optional_file_may_be_left_out(tmp_path: Path, name: str) -> None:
    project = load_project(write_project(tmp_path, **{name: None}))
    assert getattr(project, name) == []


def test_missing_data_folder(tmp_path: Path) -> None:
    assert problems(tmp_path) == ["data:1: folder is missing; it holds the YAML records"]


def test_data_file_that_is_a_folder(tmp_path: Path) -> None:
    root = write_project(tmp_path, updates=None)
    (root / "data" / "updates.yaml").mkdir()
    assert problems(root) == ["data/updates.yaml:1: is not an ordinary file"]


# --- data/services/: services split across files (see also test_scale_data.py) -------------


def services_folder(tmp_path: Path) -> tuple[Path, Path]:
    """The minimal project with an empty ``data/services/``: (project, folder)."""
    root = write_project(tmp_path)
    (root / "data" / "services").mkdir()
    return root, root / "data" / "services"


def test_a_link_in_the_services_folder_is_refused(tmp_path: Path) -> None:
    root, folder = services_folder(tmp_path)
    (tmp_path / "elsewhere.yaml").write_text(SERVICES, encoding="utf-8")
    (folder / "acme.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    assert problems(root) == [
        "data/services/acme.yaml:1: is a link; put the file itself here, not a link to it"
    ]


def test_the_services_folder_may_not_be_a_link(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    (root / "data" / "services").symlink_to(tmp_path / "elsewhere")
    assert problems(root) == ["data/services:1: is a link; put the folder itself here"]


def test_a_file_called_services_is_not_the_folder(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    (root / "data" / "services").write_text(SERVICES, encoding="utf-8")
    assert problems(root) == ["data/services:1: must be a folder of .yaml files, not a file"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("acme.yml", "rename it to acme.yaml: only files ending in .yaml are read"),
        (
            "Acme Ltd.yaml",
            "the file name 'Acme Ltd.yaml' cannot be used; name each file with letters, digits,"
            " '-' and '_' and end it in .yaml, like provider-name.yaml",
        ),
        (
            "notes.txt",
            "the file name 'notes.txt' cannot be used; name each file with letters, digits,"
            " '-' and '_' and end it in .yaml, like provider-name.yaml",
        ),
    ],
)
def test_only_plainly_named_yaml_files_are_read(tmp_path: Path, name: str, message: str) -> None:
    root, folder = services_folder(tmp_path)
    (folder / name).write_text(SERVICES, encoding="utf-8")
    assert problems(root) == [f"data/services/{name}:1: {message}"]


def test_a_folder_in_the_services_folder_is_refused(tmp_path: Path) -> None:
    root, folder = services_folder(tmp_path)
    (folder / "old").mkdir()
    (folder / "old" / "acme.yaml").write_text(SERVICES, encoding="utf-8")
    assert problems(root) == [
        "data/services/old:1: is a folder; put the .yaml files straight in data/services/"
    ]


def test_a_pipe_in_the_services_folder_is_not_read(tmp_path: Path) -> None:
    root, folder = services_folder(tmp_path)
    os.mkfifo(folder / "acme.yaml")
    assert problems(root) == ["data/services/acme.yaml:1: is not an ordinary file"]


def test_hidden_files_in_the_services_folder_are_skipped(tmp_path: Path) -> None:
    root, folder = services_folder(tmp_path)
    (folder / ".acme.yaml.swp").write_bytes(b"\x00\xff")
    (folder / ".DS_Store").write_bytes(b"\x00")
    assert len(load_project(root).services) == 2


# --- what a value is, and where ------------------------------------------------------------


def test_every_scalar_stays_text_and_duplicates_do_not_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: no\nb: 010\nc: 9:30\nd: ~\ne: ''\na: yes\n", encoding="utf-8")
    source, found = load_yaml(path, "data/x.yaml")
    assert source.data == {"a": "no", "b": "010", "c": "9:30", "d": None, "e": ""}
    assert [str(p) for p in found] == [
        "data/x.yaml:6: a: duplicate key 'a' (first given on line 1)"
    ]


def test_lines_are_kept_for_every_value() -> None:
    source, found = load_yaml(MINIMAL / "data" / "services.yaml", "data/services.yaml")
    assert found == []
    assert source.line_of(("services", 1)) == 19
    assert source.line_of(("services", 1, "levels", 1)) == 24
    assert source.line_of(("services", 1, "access", "self_referral")) == 33
    assert source.line_of(("services", 1, "not-there")) == 19


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("services:\n  - id: a\n   name: x\n", "check the indentation"),
        ("services:\n- id: a\n  name: a\nlong text\n", "indented further than its field's name"),
        ("services:\n  - id: a\n    name: @home\n", "'@' or '`' must be in quotes"),
    ],
)
def test_common_yaml_slips_come_with_a_hint(tmp_path: Path, text: str, hint: str) -> None:
    (found,) = services_problems(tmp_path, text)
    assert "YAML syntax error" in found and "(hint: " in found and hint in found, found


def test_a_british_date_is_shown_as_it_must_be_written(tmp_path: Path) -> None:
    text = SERVICES.replace("last_reviewed: 2026-", "last_reviewed: 20/11/2026 #", 1)
    assert any(
        "'20/11/2026' is not a real date written as YYYY-MM-DD (for 20 November 2026, write"
        " 2026-11-20)" in p
        for p in services_problems(tmp_path, text)
    )
