"""The markup a page of the site may hold: an allow-list of elements, attributes and addresses.

Text typed by staff is escaped or encoded wherever it is printed, so it can never add an
element. This is the check behind that promise, run on what the templates make (``check``:
``sanitise.inert`` asks it about every tag of every page body) and on every built page
(``links.broken_links``: the theme's and the builder's markup too). Anything the
templates do not make fails: a ``<meta http-equiv="refresh">``, an ``<iframe>``, a
``<form>`` posting elsewhere, a ``<base>``, an ``<object>``, an inline script or handler,
a ``style``, or a link to any scheme but https, http, mailto and tel. An allow-list,
not a list of known attacks, so a kind of markup nobody thought of fails too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from .headers import meta_policy
from .sanitise import TAGS

#: Attributes any element may have: none of them runs, loads or sends anything.
GLOBAL = frozenset({"class", "id", "role", "hidden", "tabindex", "title", "lang", "dir"})
#: Name prefixes any element may have (ARIA states, and data read by the site's scripts).
PREFIXES = ("aria-", "data-")

#: Each element a page may hold, with the attributes it may have besides ``GLOBAL``: the
#: markdown allow-list (``sanitise.TAGS``), the generator's templates and Material's.
_PLAIN = (
    "html", "head", "body", "title", "header", "footer", "nav", "main", "article", "section",
    "aside", "span", "small", "sub", "sup", "mark", "caption", "details", "summary", "kbd",
    "del", "ins", "s", "u", "q", "cite", "dfn", "var", "samp", "tfoot", "colgroup", "col",
    "wbr", "legend", "template",
)  # fmt: skip
_INPUT = (
    "type", "name", "value", "checked", "readonly", "disabled", "required", "placeholder",
    "autocomplete", "autocapitalize", "autocorrect", "spellcheck", "inputmode", "enterkeyhint",
    "min", "max", "step", "size", "maxlength", "pattern", "list",
)  # fmt: skip
ELEMENTS: dict[str, frozenset[str]] = {
    **{tag: frozenset() for tag in TAGS},
    **{tag: frozenset() for tag in _PLAIN},
    "a": frozenset({"href", "rel"}),
    #: The area's logos in the theme's header (site.brand.logos): files of the site's own.
    "img": frozenset({"src", "alt", "width", "height"}),
    "abbr": frozenset({"title"}),
    "th": frozenset({"scope", "colspan", "rowspan"}),
    "td": frozenset({"colspan", "rowspan"}),
    "ol": frozenset({"start"}),
    "time": frozenset({"datetime"}),
    "meta": frozenset({"charset", "name", "content", "http-equiv"}),
    "link": frozenset({"rel", "href", "type", "sizes", "hreflang"}),
    "script": frozenset({"src", "type"}),
    "form": frozenset({"action", "method", "autocomplete", "novalidate"}),
    "input": frozenset(_INPUT),
    "button": frozenset({"type", "name", "value", "disabled"}),
    "label": frozenset({"for"}),
    "select": frozenset({"name", "multiple", "disabled", "required", "size"}),
    "option": frozenset({"value", "selected", "disabled"}),
    "optgroup": frozenset({"label", "disabled"}),
    "fieldset": frozenset({"name", "disabled"}),
    "output": frozenset({"for", "name"}),
    "svg": frozenset({"xmlns", "viewbox", "width", "height", "focusable", "fill", "version"}),
    "path": frozenset({"d", "fill", "fill-rule", "clip-rule", "stroke", "stroke-width"}),
    "g": frozenset({"fill", "stroke"}),
    "circle": frozenset({"cx", "cy", "r", "fill"}),
    "rect": frozenset({"x", "y", "width", "height", "rx", "ry", "fill"}),
}
#: What a ``<meta>`` may be: its names, and the one header it may stand in for.
META_NAMES = frozenset({"viewport", "description", "generator", "author", "theme-color"})
#: What a ``<link>`` may be; only a canonical address (never fetched) may be absolute.
LINK_RELS = frozenset({"stylesheet", "icon", "canonical", "prev", "next", "alternate"})
#: Schemes a visitor may follow from a page; the site loads nothing from anywhere else.
WEB_SCHEMES = frozenset({"https", "http", "mailto", "tel"})
#: A script is a file of the site's, or JSON data (which never runs): the theme's settings,
#: or a service page's schema.org description (JSON-LD, lifted into the head by the theme).
_SCRIPT_TYPES = (None, "", "text/javascript", "module", "application/json", "application/ld+json")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20]")  # a browser drops these inside a scheme


def refused(tag: str, attrs: Iterable[tuple[str, str | None]]) -> list[str]:
    """What is wrong with one start tag, in words (nothing if the site may hold it).

    ``attrs`` are decoded, as a parser gives them. An inline ``<script>`` (one with no
    ``src``, unless it holds JSON data, which never runs) is for the caller to tell, as it
    sees the element's content.
    """
    found = dict(attrs)
    wrong = list(_shape_refused(tag, tuple(found)))
    if tag not in _CHECKED_FURTHER:  # most elements: their name and attributes say it all
        return wrong
    for name in ("href", "src", "action"):
        value = found.get(name)
        if value is not None:
            wrong += _address(tag, name, value, own=not (tag == "a" or _canonical(tag, found)))
    if tag == "meta":
        wrong += _meta(found)
    if tag == "link" and not set((found.get("rel") or "").split()) <= LINK_RELS:
        wrong.append(f'a <link rel="{found.get("rel")}">, which the site\'s templates never make')
    if tag == "script" and found.get("type") not in _SCRIPT_TYPES:
        wrong.append(f'a <script type="{found.get("type")}">, which the site never makes')
    return wrong


#: The elements whose attributes' values matter too: addresses, a meta's kind, a link's.
_CHECKED_FURTHER = frozenset({"a", "link", "script", "form", "meta", "img"})


@functools.lru_cache(maxsize=4096)
def _shape_refused(tag: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """What is wrong with an element of this name with these attributes, whatever their
    values: remembered, as pages hold the same few shapes thousands of times (by the
    module: a pure function of immutable values, so no run can change what another gets)."""
    allowed = ELEMENTS.get(tag)
    if allowed is None:
        return (f"a <{tag}> element, which the site's templates never make",)
    return tuple(
        f"{name}= on <{tag}>, an attribute the site's templates never make"
        for name in names
        if name not in allowed and name not in GLOBAL and not name.startswith(PREFIXES)
    )


def _canonical(tag: str, found: dict[str, str | None]) -> bool:
    return tag == "link" and found.get("rel") == "canonical"


def _address(tag: str, name: str, value: str, *, own: bool) -> list[str]:
    """An address must be one of the site's own (relative), or, where a visitor follows
    it, a web, mail or phone address."""
    bare = _IGNORED_IN_URLS.sub("", value)
    scheme = _SCHEME.match(bare)
    if bare.startswith("//") or "\\" in bare[:2]:
        return [f'{name}="{value[:60]}" on <{tag}>, an address on another site']
    if scheme is None:
        return []
    kind = scheme.group(1).lower()
    if kind not in WEB_SCHEMES:
        return [f"a {kind}: address on <{tag}>, which the site may not have"]
    if own and kind in ("https", "http"):
        return [f'{name}="{value[:60]}" on <{tag}>, an address on another site']
    if own:
        return [f"a {kind}: address on <{tag}>, which the site may not have"]
    return []


def _meta(found: dict[str, str | None]) -> list[str]:
    """A ``<meta>`` is a character set, a named fact, or the page's security policy."""
    header = found.get("http-equiv")
    if header is not None:
        if header.lower() == "content-security-policy" and found.get("content") == meta_policy():
            return []
        return [f'a <meta http-equiv="{header[:40]}">, which the site\'s templates never make']
    if "charset" in found or (found.get("name") or "").lower() in META_NAMES:
        return []
    return [f'a <meta name="{(found.get("name") or "")[:40]}">, which the site never makes']
