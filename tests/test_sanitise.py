"""``sanitise.inert`` reads plain HTML itself and anything else with ``HTMLParser``; both
readings must write the same bytes, so the fast one can never publish something else."""

from __future__ import annotations

import posixpath
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import render
from generator.markup import refused
from generator.memo import Memo
from generator.pipeline import check
from generator.sanitise import (
    _ONE_PLAIN_LINE,
    Chunks,
    _converted,
    _Writer,
    inert,
    markdown_html,
    plain,
    relpath,
)

from .conftest import ROOT, TODAY

PREFIX, SUFFIX = '<div class="lo-body" id="lo-main">', "</div>"


def resolve(target: str) -> str:
    return f"/resolved/{target}"


def anything(tag: str, attrs: list[tuple[str, str | None]]) -> list[str]:
    """Refuse nothing: these tests hold the two readings to the same output; what a page
    may hold is ``markup.refused``'s to say (``test_surfaces``)."""
    return []


def parsed(html: str, resolve: Any = resolve) -> str:
    """What ``inert`` writes when the standard library's parser reads ``html``."""
    writer = _Writer(resolve, anything)
    writer.feed(html)
    writer.close()
    return PREFIX + "".join(writer.out) + SUFFIX


def test_every_page_of_the_sample_is_read_plainly_and_written_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []
    chunks = Chunks()  # every page's lines, as a run remembers them

    def spy(html: str, resolve: Any, refuse: Any, chunks: Any = None) -> str:
        assert refuse is refused  # every page is held to the allow-list
        seen.append(html)
        return inert(html, resolve, refuse, chunks)

    monkeypatch.setattr(render, "inert", spy)
    pages = check(ROOT, TODAY).pages
    assert len(seen) == len([p for p in pages if p.endswith(".md")]) > 40
    for html in seen:
        assert plain(html, _Writer(resolve, refused)), html[:300]  # the fast reading
        assert inert(html, resolve, refused) == parsed(html)
        assert inert(html, resolve, refused, chunks) == parsed(html)  # a line at a time


#: Pieces of HTML, well-formed and not, that the two readings might take differently.
PIECES = [
    "<p>", "</p>", "<a href=\"site:services/index.md#x\">", "<a href='x'>", "</a>",
    "<br/>", "<br>", "<div/>", "<A HREF=\"X\">", "<img src=\"a.png\" alt>", "<abbr title=\"\">",
    "<script>", "</script>", "<title>", "<!-- c -->", "<!DOCTYPE html>", "<", ">", "/", "=",
    "\"", "'", "&", "&amp;", "&lt;", "&#60;", "&#x3C;", "&nbsp", "&copy;", " ", "\n", "\t",
    "\xa0", "\u2028", "text", "a:b", "`", "~", "<pre>", "</pre>", "<p class=\"a b\">",
    "<td\nrowspan=\"2\">", "<x-y data-a=\"1\" data-b=\"&quot;\">", "<p \n>", "</p \n>",
    "<a href=\"a\"title=\"b\">", "<a href=x>", "<on:x>", "<p onclick=\"alert(1)\">",
    "<p data-x='[{\"a\": \"&amp;\"}]'>", "<p data-x=''>", "<a href='site:index.md'>",
    "\n<p>", "\n<a href=\"site:a.md\">", "<p title=\"a\n<b\">", "\n<pre>", "\n</pre>",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_both_readings_write_the_same_for_any_mix_of_pieces(html: str) -> None:
    assert inert(html, resolve, anything) == parsed(html)


#: Lines remembered from one call to the next, as a run's pages share them (``Memo.chunks``).
SHARED = Chunks()


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_writing_a_line_at_a_time_writes_the_same_with_what_earlier_pages_left(html: str) -> None:
    """``inert`` with ``chunks`` (lines remembered across pages, links written for each
    page) writes what the standard library's reading does, for lines met before or not."""
    assert inert(html, resolve, anything, SHARED) == parsed(html)
    elsewhere = lambda target: f"/other/{target}"  # noqa: E731  # another page's links
    assert inert(html, elsewhere, anything, SHARED) == parsed(html, elsewhere)


#: Path segments a docs path may have, and some it never has, which must still come out right.
SEGMENTS = ["services", "x.md", "index.md", "areas", "essex", "page-2", ".", "..", ""]


@settings(max_examples=2000, deadline=None)
@given(*[st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=4).map("/".join)] * 2)
def test_a_link_between_docs_paths_is_what_the_standard_library_makes(
    path: str, start: str
) -> None:
    """``relpath`` works a link out from the text of the two paths alone; for any two, it
    gives what ``posixpath.relpath`` gives (which asks the system for the working folder)."""
    if path and start:
        assert relpath(path, start) == posixpath.relpath(path, start)


@settings(max_examples=400, deadline=None)
@given(st.from_regex(_ONE_PLAIN_LINE, fullmatch=True))
def test_a_plain_line_is_the_paragraph_python_markdown_makes_of_it(text: str) -> None:
    """A field of one plain line skips the Markdown parser and cleaner (most short fields
    do), for the very HTML they would have made of it."""
    assert markdown_html(text) == _converted(text, None, Memo()) == f"<p>{text}</p>"


@pytest.mark.parametrize(
    "text",
    ["1. First", "- a list", "a  b", "a *b*", "a_b_", "# Heading", "a\nb", "a <b>", "a & b",
     "a [b](c)", "a `b`", "a | b", "a \\ b", 'a "b"', "Done. ", "a!", "a/b", "é"],
)  # fmt: skip
def test_what_markdown_or_the_cleaner_could_read_is_not_a_plain_line(text: str) -> None:
    assert not _ONE_PLAIN_LINE.match(text)
