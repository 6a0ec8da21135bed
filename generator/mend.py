"""Mend the markup of Material's templates that no block can reach, in each built page.

The theme extends Material by blocks (``theme/main.html``), but some of what Material
writes sits outside any block, and is wrong for people using assistive technology or
fails the Nu HTML Checker:

- the whole page body, menus included, is one ``<main>``, so "jump to main" lands on the
  site menu: the outer element becomes a ``<div>`` (the theme's ``container`` block makes
  the content itself the ``<main>``);
- every section of the menu is a ``<nav>`` of its own (14 navigation landmarks on the home
  page): each becomes a group named by its section (``<div role="group">``, keeping
  Material's ``aria-labelledby``), and only the menu itself and a page's table of contents
  stay ``<nav>``; a page with no table of contents gets no empty "Table of contents" one;
- ``tabindex=""`` on menu labels and ``autocomplete`` on checkboxes are invalid HTML;
- the page's language is ``en``; the sites are in British English (``en-GB``);
- text reaches the builder with its punctuation as character references (``&#44;``), so
  that it stays text wherever a template prints it; where Material escapes it again
  (``| e``: the logo's title, the footer's "Next: …" label), the reference would be read
  out as "&#44;": ``&amp;#44;`` becomes ``&#44;`` again, the character the person typed.

``mend`` is applied by the MkDocs plugin to every page as it is written (``mkdocs build``,
``mkdocs serve``, ProperDocs) and by ``build`` to Zensical's output. Each change is made
only where Material's markup is as expected, and doing it twice changes nothing; the
browser and Nu checker tests fail if a Material upgrade brings a problem back.
"""

from __future__ import annotations

import re
from pathlib import Path

LANGUAGE = "en-GB"

_OUTER_MAIN = '<main class="md-main" data-md-component="main">'
_NAV_TAG = re.compile(r"<nav\b[^>]*>|</nav>")
_SECTION_NAV = re.compile(r'<nav class="md-nav"(?=[^>]*\bdata-md-level="[1-9])')
_EMPTY_NAV = re.compile(r'<nav class="(md-nav md-nav--secondary)"[^>]*>\s*</nav>')
_EMPTY_TABINDEX = re.compile(r'(<label\b[^>]*?) tabindex=""')
_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input\b[^>]*type="checkbox"[^>]*?) autocomplete="off"')
_ESCAPED_TWICE = re.compile(r"&amp;(#[0-9]+;)")


def mend(html: str) -> str:
    """``html`` of one built page, mended as the module's docstring says."""
    html = html.replace('<html lang="en" ', f'<html lang="{LANGUAGE}" ', 1)
    if _OUTER_MAIN in html:
        html = html.replace(_OUTER_MAIN, '<div class="md-main" data-md-component="main">', 1)
        end = html.rfind("</main>")  # the outer one closes last
        html = html[:end] + "</div>" + html[end + len("</main>") :]
    html = _EMPTY_NAV.sub(r'<div class="\1"></div>', html)
    html = _sections_as_lists(html)
    html = _EMPTY_TABINDEX.sub(r"\1", html)
    html = _ESCAPED_TWICE.sub(r"&\1", html)
    return _CHECKBOX_AUTOCOMPLETE.sub(r"\1", html)


def _sections_as_lists(html: str) -> str:
    """Turn the menu's section ``<nav>`` elements (level 1 and deeper) into groups, each
    with its own closing tag, found by counting nested ``<nav>`` tags."""
    out: list[str] = []
    stack: list[bool] = []  # for each open <nav>: is it being turned into a <div>?
    last = 0
    for match in _NAV_TAG.finditer(html):
        tag = match.group()
        if tag == "</nav>":
            if not stack:
                continue
            replaced = stack.pop()
            out.append(html[last : match.start()] + ("</div>" if replaced else tag))
        else:
            replaced = bool(_SECTION_NAV.match(tag))
            stack.append(replaced)
            out.append(
                html[last : match.start()] + ('<div role="group"' + tag[4:] if replaced else tag)
            )
        last = match.end()
    out.append(html[last:])
    return "".join(out)


def mend_site(site: Path) -> None:
    """Mend every page of a built site (for builders that run no MkDocs plugin: Zensical)."""
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        mended = mend(html)
        if mended != html:
            page.write_text(mended, encoding="utf-8")
