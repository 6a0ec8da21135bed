"""Mend the markup of Material's templates that no block can reach, in each built page.

The theme extends Material by blocks (``theme/main.html``), but some of what Material
writes sits outside any block, and is wrong for people using assistive technology or
fails the Nu HTML Checker:

- Material wraps the page's content in an outer ``<main>`` of its own, which would hold
  the theme's (the ``container`` block makes the content itself the ``<main>``): two
  main landmarks, one inside the other; the outer element becomes a ``<div>``;
- ``autocomplete`` on Material's hidden checkboxes (its drawer and search toggles, drawn
  outside any block) is invalid HTML;
- the page's language is ``en``; the sites are in British English (``en-GB``);
- ``<link rel="prev">`` and ``<link rel="next">`` in the head name the menu's reading
  order, which a Local Offer does not have (there are no "Previous / Next" links): they
  go;
- text reaches the builder with its punctuation as character references (``&#44;``), so
  that it stays text wherever a template prints it; where Material escapes it again
  (``| e``), the reference would be read out as "&#44;": ``&amp;#44;`` becomes ``&#44;``
  again, the character the person typed.

(The theme draws its own header, menu and footer, so none of Material's menu markup, with
its ``<nav>`` for every section, reaches a page.)

``mend`` is applied by the MkDocs plugin to every page as it is written (``mkdocs build``,
``mkdocs serve``, ProperDocs) and by ``build`` to Zensical's output. Each change is made
only where Material's markup is as expected, and doing it twice changes nothing.

So that a theme upgrade that changes that markup cannot leave a page unmended unnoticed,
both run ``mend_page``, which checks each mended page (``check``) and fails the build
with a ``BuildError`` naming the step, the page and the theme's version. What is expected
of every page made from Material's ``base.html`` (every built page, the 404 and the
preview's error page included): ``<html lang="en" `` and the outer ``<main>``, now mended,
and no checkbox's ``autocomplete`` left. The fault itself is optional: a page without it,
or a Material that no longer writes it, passes. ``&amp;#NN;`` is text, not markup:
nothing to check.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .errors import BuildError

LANGUAGE = "en-GB"

_OUTER_MAIN = '<main class="md-main" data-md-component="main">'
_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input\b[^>]*type="checkbox"[^>]*?) autocomplete="off"')
_ESCAPED_TWICE = re.compile(r"&amp;(#[0-9]+;)")
_READING_ORDER = re.compile(r'\s*<link rel="(?:prev|next)" href="[^"]*">')

_MENDED_MAIN = '<div class="md-main" data-md-component="main">'
_CHECKBOX_AUTOCOMPLETE_LEFT = re.compile(r'<input\b(?=[^>]*\btype="checkbox")[^>]*\sautocomplete=')


def mend(html: str) -> str:
    """``html`` of one built page, mended as the module's docstring says."""
    html = html.replace('<html lang="en" ', f'<html lang="{LANGUAGE}" ', 1)
    if _OUTER_MAIN in html:
        html = html.replace(_OUTER_MAIN, _MENDED_MAIN, 1)
        end = html.rfind("</main>")  # the outer one closes last
        html = html[:end] + "</div>" + html[end + len("</main>") :]
    html = _ESCAPED_TWICE.sub(r"&\1", html)
    html = _READING_ORDER.sub("", html)
    return _CHECKBOX_AUTOCOMPLETE.sub(r"\1", html)


def check(html: str) -> list[str]:
    """What a mended page shows was not as ``mend`` expected of Material's markup, a phrase
    for each step (none for a page mended as it should be, once or twice)."""
    found: list[str] = []
    if f'<html lang="{LANGUAGE}" ' not in html:
        found.append('Material\'s <html lang="en" …> and found none')
    if _MENDED_MAIN not in html or _OUTER_MAIN in html:
        found.append('Material\'s outer <main class="md-main" …> and found none')
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
