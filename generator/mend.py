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
only where Material's markup is as expected, and doing it twice changes nothing.

So that a theme upgrade that changes that markup cannot leave a page unmended unnoticed,
both run ``mend_page``, which checks each mended page (``check``) and fails the build
with a ``BuildError`` naming the step, the page and the theme's version. What is expected
of every page made from Material's ``base.html`` (every built page, the 404 and the
preview's error page included): ``<html lang="en" `` and the outer ``<main>``, now mended;
where the menu has sections, each one's ``<nav>`` made a group; and none of the faults
left (an empty table of contents ``<nav>``, ``tabindex=""``, a checkbox's
``autocomplete``). The faults themselves are optional: a page without them, or a Material
that no longer writes them, passes. ``&amp;#NN;`` is text, not markup: nothing to check.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .errors import BuildError

LANGUAGE = "en-GB"

_OUTER_MAIN = '<main class="md-main" data-md-component="main">'
_NAV_TAG = re.compile(r"<nav\b[^>]*>|</nav>")
_SECTION_NAV = re.compile(r'<nav class="md-nav"(?=[^>]*\bdata-md-level="[1-9])')
_EMPTY_NAV = re.compile(r'<nav class="(md-nav md-nav--secondary)"[^>]*>\s*</nav>')
_EMPTY_TABINDEX = re.compile(r'(<label\b[^>]*?) tabindex=""')
_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input\b[^>]*type="checkbox"[^>]*?) autocomplete="off"')
_ESCAPED_TWICE = re.compile(r"&amp;(#[0-9]+;)")

_MENDED_MAIN = '<div class="md-main" data-md-component="main">'
_NESTED_ITEM = re.compile(r'<li class="md-nav__item\b[^"]*\bmd-nav__item--nested\b')
_SECTION_GROUP = re.compile(r'<div role="group" class="md-nav"(?=[^>]*\bdata-md-level="[1-9])')
_SECTION_NAV_LEFT = re.compile(r'<nav\b[^>]*\bdata-md-level="[1-9]')
_EMPTY_NAV_LEFT = re.compile(r"<nav\b[^>]*\bmd-nav--secondary\b[^>]*>\s*</nav>")
_EMPTY_TABINDEX_LEFT = re.compile(r'<[a-z][^>]*\stabindex=""')
_CHECKBOX_AUTOCOMPLETE_LEFT = re.compile(r'<input\b(?=[^>]*\btype="checkbox")[^>]*\sautocomplete=')


def mend(html: str) -> str:
    """``html`` of one built page, mended as the module's docstring says."""
    html = html.replace('<html lang="en" ', f'<html lang="{LANGUAGE}" ', 1)
    if _OUTER_MAIN in html:
        html = html.replace(_OUTER_MAIN, _MENDED_MAIN, 1)
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


def check(html: str) -> list[str]:
    """What a mended page shows was not as ``mend`` expected of Material's markup, a phrase
    for each step (none for a page mended as it should be, once or twice)."""
    found: list[str] = []
    if f'<html lang="{LANGUAGE}" ' not in html:
        found.append('Material\'s <html lang="en" …> and found none')
    if _MENDED_MAIN not in html or _OUTER_MAIN in html:
        found.append('Material\'s outer <main class="md-main" …> and found none')
    if _SECTION_NAV_LEFT.search(html) or (
        _NESTED_ITEM.search(html) and not _SECTION_GROUP.search(html)
    ):
        found.append(
            'each menu section as <nav class="md-nav" … data-md-level="1…"> and found one'
            " it could not make a group"
        )
    if _EMPTY_NAV_LEFT.search(html):
        found.append(
            'an empty table of contents as <nav class="md-nav md-nav--secondary" …></nav>'
            " and found one it could not remove"
        )
    if _EMPTY_TABINDEX_LEFT.search(html):
        found.append('tabindex="" on <label …> and found one it could not remove')
    if _CHECKBOX_AUTOCOMPLETE_LEFT.search(html):
        found.append(
            'autocomplete="off" after a checkbox\'s type and found one it could not remove'
        )
    return found


def mend_page(html: str, page: str, theme: str = "mkdocs-material") -> str:
    """``html`` of the built page ``page`` mended; a ``BuildError`` if ``check`` finds a
    step that could not be done, naming the step, the page and ``theme``'s version (the
    package whose copy of Material's templates made it)."""
    mended = mend(html)
    problems = check(mended)
    if problems:
        expected = "; ".join(f"mend expected {problem}" for problem in problems)
        raise BuildError(
            f"{page}: {expected} ({_installed(theme)}): Material's markup changed;"
            " update generator/mend.py"
        )
    return mended


def _installed(package: str) -> str:
    """``package`` and its installed version, as ``mkdocs-material 9.8.1``."""
    try:
        return f"{package} {version(package)}"
    except PackageNotFoundError:
        return package


def mend_site(site: Path, theme: str = "mkdocs-material") -> None:
    """Mend every page of a built site (for builders that run no MkDocs plugin: Zensical),
    or raise ``BuildError`` for the first page that ``mend_page`` finds not as expected."""
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        mended = mend_page(html, page.relative_to(site).as_posix(), theme)
        if mended != html:
            page.write_text(mended, encoding="utf-8")
