"""Check every internal link and anchor of a built site, before it replaces ``site/``.

The builders check links between markdown pages, but not what templates and raw HTML add
(navigation, the grid table, footers), and Zensical checks less than MkDocs. This reads
the HTML the visitor will get, so a broken link fails the build whatever made it.
"""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: Attributes that point at something the browser will fetch or a visitor may follow.
_LINK_ATTRS = {
    ("a", "href"),
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("source", "src"),
    ("iframe", "src"),
}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.scripts: list[str] = []  # what a script-src 'self' policy would block

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        inline = tag == "script" and not found.get("src")
        if inline and "json" not in (found.get("type") or ""):  # JSON data never runs
            self.scripts.append("an inline <script>")
        for name, value in attrs:
            if name.startswith("on"):
                self.scripts.append(f"an inline handler {name}= on <{tag}>")
            if value is None:
                continue
            if name in ("href", "src", "action") and _RUNS.match(value):
                self.scripts.append(f"a {value.split(':')[0].strip()}: address on <{tag}>")
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif (tag, name) in _LINK_ATTRS:
                self.links.append(value)


_RUNS = re.compile(r"\s*(javascript|vbscript|data)\s*:", re.I)


def broken_links(site: Path) -> list[str]:
    """Every internal link in ``site`` whose file or ``#anchor`` does not exist, and every
    script the site's Content-Security-Policy would block (the theme must ship its scripts
    as files; text from data can never add one)."""
    pages: dict[str, _Page] = {}
    for path in sorted(site.rglob("*.html")):
        parser = _Page()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        pages[path.relative_to(site).as_posix()] = parser
    broken = []
    for name, page in pages.items():
        broken += [f"{name}: {what}, which the site may not have" for what in page.scripts]
        for href in page.links:
            problem = _check(site, pages, name, href)
            if problem:
                broken.append(f"{name}: {problem}")
    return broken


def _check(site: Path, pages: dict[str, _Page], name: str, href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("//"):
        return None  # external, mailto:, tel: and data: links are not ours to check
    if name == "404.html" and not href.startswith("#"):
        return None  # served at any depth, so its relative links depend on the address
    target = name
    if parts.path:
        if parts.path.startswith("/"):
            return f"link '{href}' is absolute; the site must work in any folder"
        target = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path)))
        if target.startswith("../") or target == "..":
            return f"link '{href}' leads outside the site"
        if target == ".":
            target = "index.html"
        elif (site / target).is_dir():
            target = posixpath.join(target, "index.html")
        if not (site / target).is_file():
            return f"link '{href}' points to a missing file"
    fragment = unquote(parts.fragment)
    if fragment and target in pages and fragment not in pages[target].ids:
        return f"link '{href}' points to a missing anchor '#{fragment}'"
    return None
