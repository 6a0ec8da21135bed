"""Check every internal link and anchor of a built site, before it replaces ``site/``.

The builders check links between markdown pages, but not what templates and raw HTML add
(navigation, the grid table, footers), and Zensical checks less than MkDocs. This reads
the HTML the visitor will get, so a broken link fails the build whatever made it.

Pages are parsed by lexbor (``selectolax``), a browser's HTML parser written in C: the
pure-Python ``HTMLParser`` took 14 s for a county's 5,000 pages, lexbor takes about one. A
page that might hold an inline event handler (``on…=`` anywhere in it) is read again with
``HTMLParser``, which sees every attribute, so that such a page is refused whatever parses it.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser

from .markup import refused
from .parallel import in_two

#: Attributes that point at something the browser will fetch or a visitor may follow (the
#: only ones ``markup.refused`` lets a page have).
_LINK_ATTRS = {("a", "href"), ("link", "href"), ("script", "src")}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.refused: list[str] = []  # markup the site may not hold (``markup.refused``)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.refused += refused(tag, attrs)
        if tag == "script" and not found.get("src") and "json" not in (found.get("type") or ""):
            self.refused.append(_INLINE)
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif (tag, name) in _LINK_ATTRS:
                self.links.append(value)


#: What a script-src 'self' policy would block, and the build refuses.
_INLINE = "an inline <script>, which the site may not have"
#: Anything that could be an event handler attribute (``on…=`` after a space, a slash or a
#: quote, in the lower-cased page); a false alarm only costs a slower parse.
_HANDLER = re.compile(r"on[a-z-]*\s*=")
_LINKED = ",".join(f"{tag}[{name}]" for tag, name in sorted(_LINK_ATTRS))


def _read(html: str) -> _Page:
    """The ids, links and refused markup of one page (see the module's docstring)."""
    page = _Page()
    low = html.lower()
    if any(low[m.start() - 1] in " \t\n\r\f/\"'" for m in _HANDLER.finditer(low)):
        page.feed(html)
        return page
    tree = LexborHTMLParser(html)
    page.ids = _ids(tree)
    for node in tree.root.traverse() if tree.root else ():
        if node.tag and node.tag[0].isalpha():  # not a comment (-comment) or the doctype
            attrs = [(name.lower(), value) for name, value in node.attributes.items()]
            page.refused += refused(node.tag, attrs)
    for node in tree.css("script:not([src])"):
        if "json" not in (node.attributes.get("type") or ""):
            page.refused.append(_INLINE)
    for node in tree.css(_LINKED):
        for tag, name in _LINK_ATTRS:
            value = node.attributes.get(name) if node.tag == tag else None
            if value is not None:
                page.links.append(value)
    return page


def ids_in(page: Path) -> set[str]:
    """The ids of the built page ``page`` that a link's ``#anchor`` may lead to."""
    return _ids(LexborHTMLParser(page.read_text(encoding="utf-8", errors="replace")))


def _ids(tree: LexborHTMLParser) -> set[str]:
    ids = {node.attributes["id"] or "" for node in tree.css("[id]")}
    return ids | {node.attributes["name"] or "" for node in tree.css("a[name]")}


def broken_links(site: Path, only: set[str] | None = None) -> list[str]:
    """Every internal link in ``site`` whose file or ``#anchor`` does not exist, and every
    element, attribute or address the site may not hold (``markup.refused``: the theme must
    ship its scripts as files, and text from data can never add markup). With ``only``,
    the pages of ``site`` named there are checked (an incremental build's: the rest are
    as they were when last checked), each page they link to read only for its anchors."""
    found = _Found()
    for folder, dirs, files in os.walk(site):
        here = Path(folder).relative_to(site).as_posix()
        found.dirs.update(posixpath.normpath(posixpath.join(here, d)) for d in dirs)
        found.files.update(posixpath.normpath(posixpath.join(here, f)) for f in files)
    html = sorted(name for name in found.files if name.endswith(".html"))
    pages = _Pages(site, set(html))

    def broken_in(name: str) -> list[str]:
        page = pages[name]
        broken = [f"{name}: {what}" for what in dict.fromkeys(page.refused)]
        for href in page.links:
            problem = _check(found, pages, name, href)
            if problem:
                broken.append(f"{name}: {problem}")
        return broken

    checked = html if only is None else sorted(set(html) & only)
    return [line for lines in in_two(checked, broken_in) for line in lines]  # on two cores


class _Pages(dict[str, "_Page"]):
    """The site's pages, each read the first time it is asked for."""

    def __init__(self, site: Path, names: set[str]) -> None:
        super().__init__()
        self.site, self.names = site, names

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __missing__(self, name: str) -> _Page:
        html = (self.site / name).read_text(encoding="utf-8", errors="replace")
        self[name] = page = _read(html)
        return page


@dataclass
class _Found:
    """The site's files and folders, by path inside it, read once rather than per link."""

    files: set[str] = field(default_factory=set)
    dirs: set[str] = field(default_factory=set)


def _check(site: _Found, pages: _Pages, name: str, href: str) -> str | None:
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
        elif target in site.dirs:
            target = posixpath.join(target, "index.html")
        if target not in site.files:
            return f"link '{href}' points to a missing file"
    fragment = unquote(parts.fragment)
    if fragment and target in pages and fragment not in pages[target].ids:
        return f"link '{href}' points to a missing anchor '#{fragment}'"
    return None
