"""Text typed by people, made safe: markdown to clean HTML, and HTML that no builder re-parses.

Two guarantees, each by construction rather than by a list of things to escape:

1. ``markdown_html`` turns markdown typed in YAML or ``content/`` into HTML cleaned by nh3
   to one allow-list (``TAGS``): no script, no handler, no style, only web, mail and phone
   links, or links to the site's own pages.
2. ``inert`` re-serialises any HTML fragment so that every character of text and of every
   attribute value that is ASCII punctuation becomes a numeric character reference
   (``~`` → ``&#126;``), every element goes on one line, and every line starts with a tag.
   Whatever markdown extensions the builder runs (fences, attribute lists, critic marks,
   snippets, emoji, abbreviations…), none of their syntax can appear in that text, so what
   we wrote is what the browser gets.

Links to the site's own pages are written ``site:PATH#anchor`` (PATH as in the docs folder,
e.g. ``services/index.md``); ``inert`` turns them into relative URLs for the page at hand
and reports those that lead nowhere.
"""

from __future__ import annotations

import functools
import posixpath
import re
import string
from collections.abc import Callable
from html import unescape
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import quote, unquote, urlsplit

import markdown
import nh3

from .memo import Memo

#: The one allow-list for markdown typed by people (YAML fields and content/ pages).
TAGS = {
    "p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a", "abbr", "blockquote",
    "code", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody",
    "tr", "th", "td", "dl", "dt", "dd", "div",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href"},
    "abbr": {"title"},
    "th": {"scope"},
    "h1": {"id"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
}
#: Classes kept from markdown: the admonition boxes ("!!! note") of content pages.
CLASSES = {
    "div": {"admonition", "note", "warning", "tip", "info"},
    "p": {"admonition-title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
#: Extensions for content/ pages; YAML fields get the first two only.
PAGE_EXTENSIONS = ["sane_lists", "tables", "abbr", "def_list", "admonition", "toc"]


def _slugify(value: str, separator: str) -> str:
    """Heading ids of letters, digits and hyphens only: never ``__search`` or another id
    the theme relies on (a heading cannot take over one of the page's own elements)."""
    return re.sub(r"[\W_]+", separator, value.lower()).strip(separator) or "section"


_PAGE_CONFIG = {"toc": {"slugify": _slugify, "permalink": False}}
FIELD_EXTENSIONS = ["sane_lists", "tables"]
#: Each ASCII punctuation character and line break, as its numeric character reference.
_REFERENCES = str.maketrans({c: f"&#{ord(c)};" for c in string.punctuation + "\t\n\r"})
Attrs = list[tuple[str, str | None]]
_VOID = {"br", "hr", "img", "input", "meta", "link", "col", "wbr", "source"}


class MarkdownError(ValueError):
    """Markdown that cannot be published as it is; the message says why, for a person."""


def encode(value: str) -> str:
    """Text with ``&``, ``<``, ``>`` and all other ASCII punctuation as character references."""
    return value.translate(_REFERENCES)


def markdown_html(value: str, *, page: str | None = None, memo: Memo | None = None) -> str:
    """Markdown as clean HTML; links to pages of the site become ``site:`` links.

    ``page`` is the docs path of a content/ page (its links are relative to it); for a YAML
    field it is None, links are relative to the site's root, and headings start at level 3
    so they sit under the page's own. Raises ``MarkdownError`` for what can never work (a
    link out of the site, a ``#place`` in text shown on several pages, nesting too deep),
    so ``check`` reports it at the field's line; whether a ``site:`` link leads to a page
    that exists is checked when the pages are rendered. Remembered in ``memo`` (the
    run's; ``validate`` gives it to the models in the validation context), so that a
    preview converts again only the fields that changed.
    """
    memo = memo or Memo()
    memo.used_html.add((value, page))
    if (value, page) in memo.html:
        return memo.html[value, page]
    plain_line = page is None and _ONE_PLAIN_LINE.match(value)  # most short fields
    memo.html[value, page] = f"<p>{value}</p>" if plain_line else _converted(value, page, memo)
    memo.changed = True
    return memo.html[value, page]


def _converted(value: str, page: str | None, memo: Memo) -> str:
    """``markdown_html``'s HTML, made by Python-Markdown and cleaned."""
    source = _limit_brackets(value)
    try:
        rendered = _converter(memo, page is not None).reset().convert(source)
    except BaseException as exc:
        memo.converters.pop(page is not None, None)  # a parse stopped midway leaves state
        if isinstance(exc, RecursionError):
            msg = "is nested too deeply (lists or quotes inside each other)"
            raise MarkdownError(msg) from None
        raise
    if page is None:
        rendered = re.sub(r"<(/?)h[12]\b", r"<\1h3", rendered)
    clean = nh3.clean(
        rendered,
        tags=TAGS,
        attributes=ATTRIBUTES,
        allowed_classes=CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    return _HREF.sub(lambda m: _site_link(m, page), clean)


_HREF = re.compile(r'<a href="([^"]*)"')
#: A field Python-Markdown makes one paragraph of, the text as it is: one line that starts
#: with a letter and holds only letters, digits, single spaces and marks no rule of
#: Markdown (block or inline) or of the cleaner reads (``test_sanitise`` holds the two
#: ways to the same HTML).
_ONE_PLAIN_LINE = re.compile(r"[A-Za-z](?: ?[A-Za-z0-9,.;:?()'\u2019-])*\Z")


def _converter(memo: Memo, for_page: bool) -> markdown.Markdown:
    """The run's converter for fields or for pages, reset before each use: making one takes
    longer than converting a description (a third of ``check`` at 5,000 services)."""
    if for_page not in memo.converters:
        memo.converters[for_page] = (
            markdown.Markdown(extensions=PAGE_EXTENSIONS, extension_configs=_PAGE_CONFIG)
            if for_page
            else markdown.Markdown(extensions=FIELD_EXTENSIONS)
        )
    return memo.converters[for_page]


def _site_link(match: re.Match[str], page: str | None) -> str:
    """Turn a relative link into ``site:PATH``, resolved from ``page`` (or the root)."""
    href = match.group(1).replace("&amp;", "&")
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return match.group(0)
    if not parts.path:
        if page is None:
            raise MarkdownError(
                f"link '{href}' goes to a place on the page, but this text appears on "
                "several pages; link to a page, like glossary.md#aac"
            )
        target = page
    else:
        base = posixpath.dirname(page) if page else ""
        target = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
        if target.startswith("../") or target == ".." or parts.path.startswith("/"):
            raise MarkdownError(f"link '{href}' leads outside the site")
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f'<a href="site:{quote(target)}{fragment}"'


_LINK_TEXT = re.compile(
    r"\[(?=[^\[\]\n]{0,300}\]"  # text that closes soon, then no "(" or a complete (address)
    r"(?:[^(]|$|\((?:[^()\n]|\([^()\n]{0,500}\)){0,2000}\)))"
)


def _limit_brackets(value: str) -> str:
    """Make every ``[`` that cannot start a link plain text: one with no ``]`` soon after,
    or with ``](`` and no ``)`` to close the address.

    Python-Markdown looks for the end of every ``[`` it meets, so text with thousands of
    unmatched ones takes quadratic time ('[' * 15000 took 29 s). A real link's text closes
    within the line, so only those brackets are left for it to read; the others are escaped
    as ``\\[``. Backslash escapes already typed (``\\[``, ``\\\\``) are kept as they are.
    """
    if "[" not in value:
        return value

    def one(match: re.Match[str]) -> str:
        if match.group() != "[" or _LINK_TEXT.match(value, match.start()):
            return match.group()
        return "\\["  # an escape: after the pairs matched above, never itself escaped

    return re.sub(r"\\.|\[", one, value, flags=re.S)


# --- writing HTML that builders pass through untouched -------------------------------------


class LinkError(ValueError):
    """A ``site:`` link to a page or anchor that does not exist: ``(target, message)``."""


class MarkupError(ValueError):
    """Markup a page may not hold (``markup.refused``): ``(the tag as written, what)``."""


def url_of(path: str) -> str:
    """The address of a docs file in the built site, as builders with directory URLs make it."""
    if not path.endswith(".md"):
        return path
    stem = path[: -len(".md")]
    if stem == "index" or stem.endswith("/index") or stem.split("/")[-1] == "README":
        folder = stem.rpartition("/")[0]
        return f"{folder}/" if folder else ""
    return f"{stem}/"


@functools.lru_cache(maxsize=1 << 16)  # pure; a county's lists link the same pages often
def relative_url(page: str, target: str, *, from_source: bool = False) -> str:
    """The link from docs file ``page`` to docs file ``target`` (``#anchor`` kept).

    Relative to the page's address, as the browser reads it; or, ``from_source``, relative
    to the folder of the page's file, for builders that rewrite links in raw HTML that way
    (Zensical).
    """
    target, _, fragment = target.partition("#")
    anchor = f"#{fragment}" if fragment else ""
    if target == page and anchor:
        return anchor
    there = url_of(target)
    here = posixpath.dirname(page) if from_source else url_of(page).rstrip("/")
    rel = relpath(there.rstrip("/") or ".", here or ".")
    if not there or there.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel + anchor


def relpath(path: str, start: str) -> str:
    """``posixpath.relpath`` for the relative paths of the docs folder, worked out from the
    text alone: the standard one makes each absolute against the working folder, asking
    the system for it twice a link (a county's pages have 140,000 links)."""
    to = [part for part in posixpath.normpath(path).split("/") if part != "."]
    here = [part for part in posixpath.normpath(start).split("/") if part != "."]
    if ".." in to or ".." in here or path.startswith("/") or start.startswith("/"):
        return posixpath.relpath(path, start)  # not a path inside the docs folder
    same = 0
    while same < min(len(to), len(here)) and to[same] == here[same]:
        same += 1
    return "/".join([".."] * (len(here) - same) + to[same:]) or "."


def _start_tag(
    tag: str,
    attrs: Attrs,
    resolve: Callable[[str], str],
    refuse: Callable[[str, Attrs], list[str]],
) -> str:
    """One start tag as ``inert`` writes it: ``site:`` links resolved, refused markup
    raising ``MarkupError``, every value encoded."""
    written: Attrs = []
    for name, value in attrs:
        if name == "markdown" or not _ATTR_NAME.fullmatch(name):
            continue  # never let a builder's md_in_html parse the inside again
        if value is not None and name in _LINKS and value.startswith("site:"):
            target, mark, query = value[len("site:") :].partition("?")
            value = resolve(target) + mark + query
        written.append((name, value))
    if wrong := refuse(tag, written):
        shown = "".join(f" {k}" + ("" if v is None else f'="{v[:40]}"') for k, v in written)
        raise MarkupError(f"<{tag}{shown}>", wrong[0])
    parts = [f"<{tag}"]
    for name, value in written:
        parts.append(f" {name}" if value is None else f' {name}="{encode(value)}"')
    return "".join(parts) + ">"


class _Writer(HTMLParser):
    """Re-serialise HTML with every text and attribute value encoded (see ``encode``)."""

    def __init__(
        self, resolve: Callable[[str], str], refuse: Callable[[str, Attrs], list[str]]
    ) -> None:
        super().__init__(convert_charrefs=True)
        self.resolve = resolve
        self.refuse = refuse
        self.out: list[str] = []
        self.pre = 0  # inside <pre>, line breaks are kept (as &#10;)

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        self.out.append(_start_tag(tag, attrs, self.resolve, self.refuse))
        if tag == "pre":
            self.pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID:
            self.out.append(f"</{tag}>")
            if tag == "pre" and self.pre:
                self.pre -= 1

    def handle_data(self, data: str) -> None:
        if not self.pre and "\n" in data:
            data = _LINE_BREAK.sub(" ", data)
        self.out.append(encode(data))


_ATTR_NAME = re.compile(r"[a-z][a-z0-9-]*")
_LINE_BREAK = re.compile(r"\s*\n\s*")
#: Attributes a template may give a ``site:`` link (``data-site-root`` tells scripts where
#: the site's root is, which differs from page to page and host to host).
_LINKS = ("href", "src", "action", "data-site-root")


def inert(
    html: str,
    resolve: Callable[[str], str],
    refuse: Callable[[str, Attrs], list[str]],
    chunks: Chunks | None = None,
) -> str:
    """``html`` as one line that a markdown builder passes through as it is (module doc).

    The line is one ``<div class="lo-body">`` block (the skip link's target): a raw HTML
    block to every markdown parser, with no blank line inside to end it early.
    ``resolve`` maps the path of each ``site:`` link to the URL to write, raising
    ``LinkError`` for one that leads nowhere; ``refuse`` says what is wrong with a tag the
    page may not hold (``markup.refused``), which raises ``MarkupError``. ``chunks``, kept
    by the caller from page to page with the same ``refuse``, remembers how each line was
    written (``_by_line``).
    """
    body = _by_line(html, resolve, refuse, chunks) if chunks is not None else None
    if body is None:
        writer = _Writer(resolve, refuse)
        if not plain(html, writer):  # anything unusual: the standard library's parser, slowly
            writer = _Writer(resolve, refuse)
            writer.feed(html)
            writer.close()
        body = "".join(writer.out)
    return '<div class="lo-body" id="lo-main">' + body + "</div>"


class _Link(NamedTuple):
    """A start tag holding a ``site:`` link: written for each page, as the link differs."""

    tag: str
    attrs: Attrs


class Chunks(dict[tuple[str, int], tuple[tuple[str | _Link, ...], int]]):
    """How each line of a page was written: by (the line, the ``<pre>`` depth before it),
    its parts (text, or a tag with a link to write for the page at hand) and the depth
    after; and the hashes of the lines met once, which are remembered the second time."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[int] = set()


class _Recorder(_Writer):
    """A writer that keeps each tag with a ``site:`` link as a ``_Link`` to write later."""

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        if any(v is not None and n in _LINKS and v.startswith("site:") for n, v in attrs):
            self.out.append(_Link(tag, attrs))  # type: ignore[arg-type]
            if tag == "pre":
                self.pre += 1
        else:
            super().handle_starttag(tag, attrs)


def _by_line(
    html: str,
    resolve: Callable[[str], str],
    refuse: Callable[[str, Attrs], list[str]],
    chunks: Chunks,
) -> str | None:
    """``inert``'s body, written a line at a time, each line remembered in ``chunks``.

    The pages of a county repeat most of their lines (a service's card is on several lists,
    a heading on every page), so each distinct line is read once a run. A line here ends
    just before a ``<`` that begins the next; a tag or a text never spans two of them, as
    text ends at a ``<``, and a line cut inside a quoted attribute's value does not read as
    plain HTML, which makes the whole page go the usual way (None). A remembered line's
    markup was checked when it was first read; its links are written, and checked, for
    each page. ``test_sanitise`` holds this to the same output as the usual way.
    """
    out: list[str] = []
    pre = 0
    lines = html.split("\n<")
    last = len(lines) - 1
    for number, piece in enumerate(lines):
        line = ("<" if number else "") + piece + ("\n" if number < last else "")
        known = chunks.get((line, pre))
        if known is None:
            recorder = _Recorder(resolve, refuse)
            recorder.pre = pre
            try:
                if not plain(line, recorder):
                    return None
            except MarkupError:  # raised the usual way, after the links before it
                return None
            known = (tuple(recorder.out), recorder.pre)
            seen = hash((line, pre))  # kept from the second time a line is met: most
            if seen in chunks.seen:  # lines of a county's pages are met only once
                chunks[line, pre] = known
            else:
                chunks.seen.add(seen)
        parts, pre = known
        for part in parts:
            if isinstance(part, _Link):
                out.append(_start_tag(part.tag, part.attrs, resolve, refuse))
            else:
                out.append(part)
    return "".join(out)


#: The plain HTML that templates and the markdown cleaner write: tags with quoted
#: attributes, end tags, and text with no ``<``.
_TOKEN = re.compile(
    r"<([a-zA-Z][a-zA-Z0-9-]*)((?:[ \t\n\r\f]+[a-zA-Z][a-zA-Z0-9_:.-]*(?:=\"[^\"]*\"|='[^']*')?)*)"
    r"[ \t\n\r\f]*(/?)>"
    r"|</([a-zA-Z][a-zA-Z0-9-]*)[ \t\n\r\f]*>"
    r"|([^<]+)"
)
_ATTR = re.compile(r"[ \t\n\r\f]+([a-zA-Z][a-zA-Z0-9_:.-]*)(?:=\"([^\"]*)\"|='([^']*)')?")
#: Elements whose inside ``HTMLParser`` reads as raw text (in some Python versions).
_RAW_TEXT = {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
             "noscript", "plaintext"}  # fmt: skip


def plain(html: str, parser: HTMLParser) -> bool:
    """Make the calls ``HTMLParser(convert_charrefs=True)`` would make on ``parser`` for
    ``html``, as long as it is plain HTML (``_TOKEN``); False at the first thing that is
    not, after which ``parser`` holds part of the page and is to be thrown away.

    The parser costs more than all the rest of rendering; this reads the usual pages about
    three times faster, and ``test_sanitise`` holds the two readings to the same output on
    every page of the sample and on any mix of awkward pieces.
    """
    pos = 0
    for match in _TOKEN.finditer(html):
        if match.start() != pos:
            return False
        pos = match.end()
        start, attributes, closed, end, text = match.groups()
        if text is not None:
            parser.handle_data(unescape(text))
        elif end is not None:
            parser.handle_endtag(end.lower())
        else:
            start = start.lower()
            if start in _RAW_TEXT:
                return False
            attrs = [
                (name.lower(), None if quoted is None else unescape(quoted))
                for name, double, single in (m.groups() for m in _ATTR.finditer(attributes))
                for quoted in [double if double is not None else single]
            ]
            parser.handle_starttag(start, attrs)
            if closed:  # <br/>: what HTMLParser.handle_startendtag does
                parser.handle_endtag(start)
    return pos == len(html)
