"""Each hole found by people who attacked the build, or used it carelessly, stays closed.

One test (or a few) per finding of the "safe against hostile text and careless paths"
issue, in its order. Each failed on the code before the fix. The property test that throws
hostile text at every field is ``test_hostile.py``.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
import yaml

from generator.cli import main
from generator.errors import BuildError, DataError
from generator.headers import read_headers
from generator.pipeline import build_site
from generator.pipeline import check as run_check
from generator.sanitise import MarkdownError, markdown_html
from generator.validate import load_project
from generator.write import project_lock

from .conftest import ROOT, TODAY, copy_project, parse, write_project


def check(root: Path) -> list[str]:
    """What ``python -m generator check`` reports for ``root`` (load, validate, render)."""
    try:
        run_check(root, TODAY)
    except DataError as exc:
        return [str(p) for p in exc.problems]
    return []


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    """Every element of the page's main content, with its attributes decoded."""
    from html.parser import HTMLParser

    body = html[html.index('<article class="md-content__inner') : html.index("</article>")]
    found: list[tuple[str, dict[str, str]]] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, {k: v or "" for k, v in attrs}))

    Reader(convert_charrefs=True).feed(body)
    return found


def images(html: str) -> list[tuple[str, dict[str, str]]]:
    """Every ``<img>`` of a built page, with its attributes, and whether it is in the theme's
    header ("header") or anywhere else ("elsewhere")."""
    from html.parser import HTMLParser

    found: list[tuple[str, dict[str, str]]] = []

    class Reader(HTMLParser):
        header = 0  # open <header class="lo-header"> elements (and headers inside it)

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            given = {k: v or "" for k, v in attrs}
            if tag == "header" and (self.header or given.get("class") == "lo-header"):
                self.header += 1
            if tag == "img":
                found.append(("header" if self.header else "elsewhere", given))

        def handle_endtag(self, tag: str) -> None:
            if tag == "header" and self.header:
                self.header -= 1

    Reader(convert_charrefs=True).feed(html)
    return found


def edit_yaml(root: Path, name: str, change: object) -> None:
    path = root / "data" / f"{name}.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


# --- stored script from YAML alone ------------------------------------------------------------


def test_a_fence_in_plain_text_cannot_open_a_code_block_or_revive_markdown(sample: Path) -> None:
    def hostile(data: dict) -> None:
        data["documents"][0]["summary"] = "~~~"

    def payload(data: dict) -> None:
        data["site"]["other_formats"] = (
            '\\!\\[x\\](data:image/png;base64,AAAA)\\{: onerror="alert(1)" \\}\n\n'
            "\\[a\\](javascript:alert(1))\\{: #id \\}"
        )
        data["site"]["contact"]["address"] = "~~~ 1 Sample Street"

    def sections(data: dict) -> None:
        data["services"][0]["access"]["referral_route"] = "```"
        data["services"][0]["locations"] = [{"name": "Hub", "address": "~~~"}]

    edit_yaml(sample, "documents", hostile)
    edit_yaml(sample, "site", payload)
    edit_yaml(sample, "services", sections)
    site = build_site(sample, today=TODAY)
    for page in ("documents/index.html", "other-formats/index.html"):
        tags = elements((site / page).read_text())
        assert not {"img", "pre", "code"} & {tag for tag, _ in tags}  # nothing swallowed
        assert not [a for _, a in tags if any(k.startswith("on") for k in a)]
        assert not [a for _, a in tags if "javascript:" in a.get("href", "")]
    service = load_project(sample).services[0].id
    tags = elements((site / "services" / service / "index.html").read_text())
    assert not {"pre", "code"} & {tag for tag, _ in tags}
    assert [tag for tag, _ in tags].count("h2") >= 5  # the sections after the fence are sections


# --- the CSP allows every inline script it finds -------------------------------------------


def test_scripts_from_content_never_reach_a_page_and_the_policy_trusts_no_hash(
    sample: Path,
) -> None:
    (sample / "content" / "about.md").write_text(
        "---\ntitle: About\ndescription: 'x\"><script>alert(1)</script>'\n---\n\n"
        "# About\n\n<script>alert(2)</script>\n\nText.\n"
    )
    site = build_site(sample, today=TODAY)
    html = (site / "about" / "index.html").read_text()
    assert "<script>alert" not in html
    head = html.split("</head>")[0]
    assert 'content="x&#34;&#62;&#60;script&#62;alert&#40;1&#41;&#60;&#47;script&#62;"' in head
    policy = read_headers(site)["Content-Security-Policy"]
    assert "script-src 'self' 'wasm-unsafe-eval';" in policy and "sha256" not in policy


def test_an_html_file_in_content_is_refused(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    (root / "content" / "page.html").write_text("<script>alert(1)</script>")
    (root / "content" / "drawing.svg").write_text("<svg onload=alert(1)>")
    found = check(root)
    assert found[0].startswith("content/drawing.svg:1: files of type '.svg' cannot be published")
    assert found[1].startswith("content/page.html:1: files of type '.html' cannot be published")


# --- markup from content/ -------------------------------------------------------------------


def test_a_title_in_front_matter_is_text_in_the_header_heading_and_title(sample: Path) -> None:
    evil = '<img src=x onerror="alert(1)">'
    (sample / "content" / "about.md").write_text(f"---\ntitle: '{evil}'\n---\n\nText.\n")
    site = build_site(sample, today=TODAY)
    html = (site / "about" / "index.html").read_text()
    # The page's only images are the area's logos in the theme's header: the title made none.
    logos = yaml.safe_load((sample / "data" / "site.yaml").read_text())["site"]["brand"]["logos"]
    found = images(html)
    assert [(where, attrs["src"]) for where, attrs in found] == [
        ("header", f"../{logo['image']}") for logo in logos
    ]
    assert all(set(attrs) == {"class", "src", "alt"} for _, attrs in found), found
    read = parse(html)
    assert read["h1"] == [evil]
    assert read["title"] == [f"{evil} - Balanced System® Therapies Project"]


def test_raw_html_in_content_pages_is_removed(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    (root / "content" / "docs-page.md").write_text(
        "# Page\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
        '<iframe src="javascript:alert(3)"></iframe>\n\n[ok](https://www.example.org/)\n'
    )
    page = run_check(root, TODAY).pages["docs-page.md"].decode()
    for needle in ("<script", "<img", "<iframe", "onerror", "javascript"):
        assert needle not in page
    assert '<a href="https&#58;&#47;&#47;www&#46;example&#46;org&#47;">ok</a>' in page


def test_a_file_name_that_is_markup_is_refused(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    (root / "content" / "<img src=x onerror=alert(1)>.md").write_text("# x\n")
    [found] = check(root)
    assert found.startswith("content/<img src=x onerror=alert(1)>.md:1: the file name")


# --- files outside the site -----------------------------------------------------------------


def test_a_site_link_to_the_parent_folder_is_refused_and_nothing_is_deleted(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path / "outer" / "project")
    (tmp_path / "outer" / "keep.txt").write_text("keep me")
    (project / "site").symlink_to("..")
    with pytest.raises(BuildError, match="site/ is a link"):
        build_site(project, today=TODAY)
    assert (tmp_path / "outer" / "keep.txt").read_text() == "keep me"


@pytest.mark.parametrize("site_dir", [".", "data", "content/x", "..", "theme"])
def test_a_site_folder_that_is_the_project_or_its_sources_is_refused(
    sample: Path, site_dir: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(p.relative_to(sample.parent) for p in sample.parent.rglob("*"))
    code = main(["--root", str(sample), "build", "--site-dir", str(sample / site_dir)])
    err = capsys.readouterr().err
    assert code == 2
    assert "the site folder" in err and "Traceback" not in err
    assert sorted(p.relative_to(sample.parent) for p in sample.parent.rglob("*")) == before


def test_a_link_inside_theme_is_refused_so_it_cannot_publish_a_file(
    sample: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "id_rsa"
    secret.write_text("PRIVATE KEY")
    (sample / "theme" / "assets" / "key.txt").symlink_to(secret)
    with pytest.raises(BuildError, match=r"theme/assets/key\.txt is a link"):
        build_site(sample, today=TODAY)
    assert not (sample / "site").exists()


def test_a_site_folder_holding_other_files_is_not_replaced(sample: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "documents"
    elsewhere.mkdir()
    (elsewhere / "letter.txt").write_text("mine")
    with pytest.raises(BuildError, match="not a site built here"):
        build_site(sample, site_dir=elsewhere, today=TODAY)
    assert (elsewhere / "letter.txt").read_text() == "mine"


def test_linked_content_and_data_are_refused_and_a_secret_is_never_printed(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path)
    secret = tmp_path / "credentials"
    secret.write_text("token: hunter2-very-secret\n")
    (root / "data" / "surveys.yaml").unlink()
    (root / "data" / "surveys.yaml").symlink_to(secret)
    moved = tmp_path / "elsewhere"
    shutil.move(root / "content", moved)
    (root / "content").symlink_to(moved)
    found = check(root)
    assert found[0] == "content:1: must be a folder, not a link or a file"
    assert found[2:] == [
        "data/documents.yaml:7: documents[0].file (the 1st document, id introduction):"
        " 'docs-page.md' is not a file in content/",
        "data/surveys.yaml:1: is a link; put the file itself here, not a link to it",
    ]
    assert not any("hunter2" in line for line in found)


def test_a_device_as_a_data_file_is_refused_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_project(tmp_path)
    (root / "data" / "surveys.yaml").unlink()
    os.mkfifo(root / "data" / "surveys.yaml")  # a pipe: reading it would wait for ever
    read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        assert self.name != "surveys.yaml", "the pipe was read"  # fail, rather than hang
        return read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert check(root) == ["data/surveys.yaml:1: is not an ordinary file"]


def test_an_error_quotes_at_most_the_start_of_one_line(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    secret = "x" * 200 + "\nline two: secret\n"
    (root / "data" / "timeline.yaml").write_text(yaml.safe_dump(secret))
    [found] = check(root)
    assert "secret" not in found and len(found) < 200


# --- generated pages silently replaced ------------------------------------------------------


def test_an_id_of_index_cannot_replace_a_list_page(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    for name in ("services", "updates"):
        path = root / "data" / f"{name}.yaml"
        path.write_text(path.read_text().replace("- id: ", "- id: index\n    x-was: ", 1))
        edit_yaml(root, name, lambda d, n=name: d[n][0].pop("x-was"))
    assert check(root) == [
        "data/services.yaml:2: services[0].id (the 1st service, id index): would have the"
        " same address as the page services/index.md (from (built-in page):1); rename one",
        "data/updates.yaml:2: updates[0].id (the 1st update, id index): would have the same"
        " address as the page updates/index.md (from (built-in page):1); rename one",
    ]


@pytest.mark.parametrize(
    "name", ["documents/index.md", "timeline/index.md", "services/advice-line/index.md"]
)
def test_a_content_page_cannot_replace_a_generated_page(tmp_path: Path, name: str) -> None:
    root = write_project(tmp_path)
    (root / "content" / name).parent.mkdir(parents=True, exist_ok=True)
    (root / "content" / name).write_text("# Mine\n")
    [found] = check(root)
    assert found.startswith(f"content/{name}:1: would have the same address as the page ")


# --- two builds at once ---------------------------------------------------------------------


def test_a_second_build_stops_at_once_while_one_is_running(sample: Path) -> None:
    env = {**os.environ, "LOCAL_OFFER_TODAY": TODAY.isoformat()}
    with project_lock(sample):  # a first build, holding the project
        second = subprocess.run(
            [sys.executable, "-m", "generator", "build"],
            cwd=sample,
            env=env,
            capture_output=True,
            text=True,
        )
    assert second.returncode == 2
    assert second.stderr.startswith("another build or preview of this project is running")
    assert not (sample / "site").exists()
    build_site(sample, today=TODAY)  # once the first has finished, the next one runs
    assert (sample / "site" / "index.html").is_file()


# --- tracebacks and hangs -------------------------------------------------------------------


def test_dates_and_ids_beyond_what_pages_can_hold_are_located_errors(tmp_path: Path) -> None:
    root = write_project(tmp_path)

    def change(data: dict) -> None:
        data["services"][0]["last_reviewed"] = "9999-12-31"
        data["services"][1]["id"] = "a" * 250

    edit_yaml(root, "services", change)
    assert check(root) == [
        "data/services.yaml:25: services[0].last_reviewed (the 1st service, id advice-line):"
        " 9999-12-31 is not a date between 1900 and 2100",
        "data/services.yaml:26: services[1].id (the 2nd service, 'Stammering clinic'): is 250"
        " characters long; an id may have at most 60",
    ]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("services", "files of type 'services' cannot be published"),
        ("timeline.md/x", "the folder name 'timeline.md' cannot be used"),
        ("notes.html", "files of type '.html' cannot be published"),
    ],
)
def test_files_that_would_clash_with_folders_or_break_a_page_are_refused(
    tmp_path: Path, path: str, message: str
) -> None:
    root = write_project(tmp_path)
    target = root / "content" / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"\xff\xfe not UTF-8")
    [found] = check(root)
    assert message in found


@pytest.mark.parametrize("day", ["1960-01-01", "2200-01-01", "2026-02-30"])
def test_a_today_the_builders_cannot_use_is_refused_in_one_line(
    day: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--root", str(ROOT), "check", "--today", day])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "argument --today: " in err


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_full_or_read_only_disk_is_one_line_and_exit_2(
    sample: Path, code: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(self: Path, data: bytes) -> int:
        raise OSError(code, os.strerror(code), str(self))

    monkeypatch.setattr(Path, "write_bytes", fail)
    assert main(["--root", str(sample), "build"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("cannot write ") and err[0].endswith(os.strerror(code))
    assert err[1:] == ["The site was not changed."]
    assert not (sample / "site").exists()


def test_brackets_that_would_make_markdown_quadratic_are_defused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    convert = markdown.Markdown.convert

    def spy(self: markdown.Markdown, text: str) -> str:
        seen.append(text.count("[") - text.count("\\["))
        return convert(self, text)

    monkeypatch.setattr(markdown.Markdown, "convert", spy)
    root = write_project(tmp_path)
    edit_yaml(root, "services", lambda d: d["services"][0].update(description="[" * 15000))
    assert check(root) == []
    assert max(seen) == 0  # no bracket is left for Python-Markdown's quadratic link search


def test_a_huge_page_is_refused_before_it_is_read(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    (root / "content" / "docs-page.md").write_text("# Big\n\n" + "[a](" * 200_000)
    assert check(root)[0] == (
        "content/docs-page.md:1: page is 800,007 bytes; the limit is 524,288 bytes a page"
    )


def test_lists_nested_past_what_markdown_can_parse_are_a_located_error(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    edit_yaml(root, "services", lambda d: d["services"][0].update(description="1. " * 500))
    [found] = check(root)
    assert found.startswith(
        "data/services.yaml:5: services[0].description (the 1st service, id advice-line):"
        " is nested too"
    )


def test_a_field_nested_too_deeply_leaves_nothing_behind_for_the_next() -> None:
    """Fields share one markdown converter; a parse stopped by RecursionError must not
    change how any later field is read."""
    sample = (
        "Intro.\n\n- [a link](https://example.org/) and *emphasis*\n- two\n\n| a |\n|---|\n| 1 |"
    )
    before = markdown_html(sample)
    with pytest.raises(MarkdownError):
        markdown_html("1. " * 500)
    assert markdown_html(sample) == before
    assert '<a href="https://example.org/"' in before and "<em>" in before


def test_ten_thousand_terms_are_checked_and_an_error_does_not_list_them_all(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path)

    def many(data: dict) -> None:
        data["vocabularies"]["areas"] = [
            {"id": f"area-{i}", "name": f"Area {i}"} for i in range(10_000)
        ]

    edit_yaml(root, "vocabularies", many)
    assert check(root) == [
        f"data/services.yaml:{line}: services[{i}].areas[0] (the {nth} service, id {ident}):"
        " 'essex' is not one of the 10,000 areas in data/vocabularies.yaml"
        for i, line, nth, ident in (
            (0, 17, "1st", "advice-line"),
            (1, 39, "2nd", "stammering-clinic"),
        )
    ]


def test_an_alias_bomb_in_front_matter_is_refused(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    bomb = "---\na: &a [x, x]\nb: &b [*a, *a]\ntitle: *b\n---\n\n# Page\n"
    (root / "content" / "docs-page.md").write_text(bomb)
    assert check(root) == [
        "content/docs-page.md:3: anchors and aliases (*name) are not supported; write the value out"
    ]


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ('"Advice\\0line"', "a control character (U+0000)"),
        ('"Advice\\x02line"', "a control character (U+0002)"),
        ('"Advice \\u202eenil"', "a text-direction override (U+202E)"),
    ],
)
def test_characters_that_hide_or_disguise_text_are_refused_however_typed(
    tmp_path: Path, value: str, what: str
) -> None:
    root = write_project(tmp_path)
    path = root / "data" / "services.yaml"
    path.write_text(path.read_text().replace("name: Advice line", f"name: {value}"))
    assert check(root) == [
        f"data/services.yaml:3: services[0].name (the 1st service, id advice-line): contains"
        f" {what} that cannot be published; delete it"
    ]


@pytest.mark.parametrize("code", ["FFFE", "FFFF"])
def test_a_noncharacter_is_refused_where_it_is_typed(tmp_path: Path, code: str) -> None:
    """U+FFFE and U+FFFF are no characters, and no XML file (the updates' feeds) may hold
    one: a check that let one pass would promise a build that then failed."""
    root = write_project(tmp_path)
    path = root / "data" / "services.yaml"
    path.write_text(path.read_text().replace("name: Advice line", f'name: "Advice\\u{code}"'))
    assert check(root) == [
        "data/services.yaml:3: services[0].name (the 1st service, id advice-line): contains"
        f" U+{code}, which is not a character; delete it"
    ]


def test_a_direction_override_in_a_web_address_is_refused(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    path = root / "data" / "services.yaml"
    web = "https://www.example.org/stammering"
    path.write_text(path.read_text().replace(web, "https://www.example.org/\u202egnp.exe"))
    [found] = check(root)
    assert found.startswith(
        "data/services.yaml:37: services[1].contact.web (the 2nd service, id stammering-clinic):"
        " contains a text-"
    )


# --- check passes where build then fails ----------------------------------------------------


@pytest.mark.parametrize(
    ("description", "message"),
    [
        ("[leaflet](leaflet.pdf)", "link to 'leaflet.pdf': there is no page or file"),
        ("[news](updates.xml#top)", "link to 'updates.xml#top': updates.xml is a file, not a page"),
        ("[x](#faq)", "link '#faq' goes to a place on the page, but this text appears"),
        ("[x](../../etc/passwd)", "link '../../etc/passwd' leads outside the site"),
    ],
)
def test_links_in_markdown_fields_are_checked_at_their_line(
    tmp_path: Path, description: str, message: str
) -> None:
    root = write_project(tmp_path)
    edit_yaml(root, "services", lambda d: d["services"][0].update(description=description))
    [found] = check(root)
    where = "services[0].description (the 1st service, id advice-line)"
    assert found.startswith(f"data/services.yaml:5: {where}: {message}")


def test_a_link_in_a_field_to_a_page_of_the_site_works(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    text = "[Stammering](services/stammering-clinic.md) and [a page](docs-page.md#an-introduction)"
    edit_yaml(root, "services", lambda d: d["services"][0].update(description=text))
    pages = run_check(root, TODAY).pages
    page = pages["services/advice-line.md"].decode()
    assert 'href="&#46;&#46;&#47;stammering&#45;clinic&#47;"' in page
    assert 'href="&#46;&#46;&#47;&#46;&#46;&#47;docs&#45;page&#47;&#35;an&#45;introduction"' in page


@pytest.mark.parametrize("name", ["plan#1.pdf", "what?.pdf", "100%.pdf"])
def test_document_file_names_that_break_addresses_are_refused(tmp_path: Path, name: str) -> None:
    root = write_project(tmp_path)
    (root / "content" / name).write_bytes(b"%PDF-1.4")
    [found] = check(root)
    assert found.startswith(f"content/{name}:1: the file name '{name}' cannot be used")


def test_a_renamed_audience_builds_because_the_menu_comes_from_the_data(sample: Path) -> None:
    def rename(data: dict) -> None:
        data["vocabularies"]["audiences"][1]["id"] = "families"

    edit_yaml(sample, "vocabularies", rename)
    for name in ("services", "updates", "documents", "surveys"):
        path = sample / "data" / f"{name}.yaml"
        path.write_text(path.read_text().replace("parents-and-carers", "families"))
    site = build_site(sample, today=TODAY)
    home = parse((site / "index.html").read_text())["href"]
    assert "audiences/families/" in home and "audiences/parents-and-carers/" not in home


def test_the_readme_build_example_runs_as_written(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    args = ["--root", str(sample), "build", "--site-dir", str(out), "--today", "2026-11-23"]
    assert main(args) == 0
    assert (out / "index.html").is_file()
