"""``python -m generator import-oruk SOURCE``: bring in the services of a council's directory.

SOURCE is a web address (its pages are followed), a JSON file or a folder of JSON files, in
Open Referral UK 3.0 (a page with ``contents``, one service, or a list), in the older
HSDS-UK 1.0 shape (``eligibilitys``, ``service_taxonomys``, ``regular_schedules``,
``physical_addresses``…) or as Outpost's API serves it (a Spring page with ``content`` and
``totalElements``). Real feeds are messy, so every value is read as it comes and checked
by the same models ``check`` uses: what fits goes in, what does not is listed, and nothing
is made up. A field our records need that the source lacks is left for a person, and the
report names it at its file and line, where ``check`` will point too.

Each provider's services go in ``data/services/<provider>.yaml``. Taxonomy terms become
this site's term ids through the mapping file the council edits (``MAPPING``; a starter
listing every source term is written on the first run). What each import brought in is
remembered in ``STATE``, so a later import compares three ways: the last import, the file
now and the source now. A field changed only in the source takes the source's value; a field
changed only here keeps the local edit; a field changed in both is a conflict, listed, and
that service is left as it is unless ``--theirs`` or ``--ours`` says which side wins. Files
are edited with ruamel.yaml's round trip, so comments and layout stay; a file nothing
changed in is not written at all.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import re
import secrets
import unicodedata
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from . import models
from .errors import DataError, GeneratorError, Problem, printable, shown
from .load import FORBIDDEN, Source, load_folder, load_yaml
from .schema import modeline

#: The mapping file, under the project, committed like the rest of ``data/``; ``check``
#: knows it as a command's file, not the site's (``load.TOOL_FILES``).
MAPPING = "data/oruk-mapping.yaml"
#: What the last import brought in; hidden, so the loader skips it.
STATE = "data/services/.oruk-import.json"
#: Seconds to wait for each page of a web source.
TIMEOUT = 30
#: The most pages followed, and the largest page or file read.
MAX_PAGES = 2000
MAX_BYTES = 64 * 1024 * 1024
USER_AGENT = "local-offer-generator import-oruk (+https://openreferraluk.org/)"

#: This site's vocabularies, and the field of a service that holds each one's ids.
VOCABULARIES = {
    "disciplines": "discipline",
    "levels": "levels",
    "strands": "strands",
    "audiences": "audiences",
    "needs": "needs",
    "delivery": "delivery",
    "areas": "areas",
}
#: The fields an import fills in and compares, in the order of a record.
FIELDS = (
    "name", "status", "organisation", "description", "discipline", "levels", "strands",
    "audiences", "needs", "min_age", "max_age", "eligibility", "access.referral_route",
    "access.self_referral", "cost", "contact.phone", "contact.email", "contact.web",
    "delivery", "locations", "opening_times", "areas", "last_reviewed",
)  # fmt: skip
LISTS = {"levels", "strands", "audiences", "needs", "delivery", "areas"}
#: What a record cannot do without (``contact`` needs one of its three).
REQUIRED = (
    "name", "organisation", "description", "discipline", "levels", "strands", "audiences",
    "eligibility", "access.referral_route", "access.self_referral", "contact", "delivery",
    "areas", "last_reviewed",
)  # fmt: skip
_ORDER = {
    "": list(models.Service.model_fields),
    "access": list(models.Access.model_fields),
    "contact": list(models.ServiceContact.model_fields),
}
_LOCATION_KEYS = tuple(models.Location.model_fields)
_STATUSES = {"active": None, "inactive": "inactive", "defunct": "defunct"} | {
    "temporarily closed": "temporarily closed"
}


class ImportFailed(GeneratorError):
    """Nothing was imported: the source could not be read, or the project not written. The
    message is one line."""

    exit_code = 1


# --- reading the source --------------------------------------------------------------------


@dataclass
class Feed:
    """The services a source holds, as raw records, and how it was read."""

    services: list[dict[str, Any]]
    pages: int = 0
    notes: list[str] = field(default_factory=list)


def read_source(source: str, timeout: float = TIMEOUT) -> Feed:
    """Every service of ``source``: a web address (http or https, page after page), a JSON
    file or a folder of JSON files (its ``services*.json`` if it has any, as a copy of an
    ORUK API's pages does, else all; in order of name). Raises ``ImportFailed``."""
    parts = urlsplit(source)
    if parts.scheme.lower() in ("http", "https"):
        return _read_web(source, timeout)
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]+://", source):
        raise ImportFailed(f"{printable(source)}: only http:// and https:// addresses are read")
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.glob("*.json") if p.is_file())
        files = [p for p in files if p.name.startswith("services")] or files
        if not files:
            raise ImportFailed(f"{printable(source)}: the folder holds no .json files")
        feed = Feed([])
        for file in files:
            data = _parse(_read_file(file), str(file))
            try:
                feed.services += _services_in(data, str(file), feed.notes)[0]
            except ImportFailed as exc:
                feed.notes.append(f"{exc}; skipped")
                continue
            feed.pages += 1
        if not feed.pages:
            raise ImportFailed(f"{printable(source)}: no file of the folder holds services")
        return feed
    if path.is_file():
        feed = Feed([], 1)
        feed.services = _services_in(_parse(_read_file(path), source), source, feed.notes)[0]
        return feed
    raise ImportFailed(
        f"{printable(source)} is neither a web address (http:// or https://) nor a file or "
        "folder that exists"
    )


def _read_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ImportFailed(f"{printable(str(path))} is over {MAX_BYTES:,} bytes")
        return path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{printable(str(path))} cannot be read: {exc.strerror}") from None


def _parse(raw: bytes, name: str) -> Any:
    """JSON from bytes, with or without a byte-order mark."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFailed(f"{printable(name)}: line {line} is not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"{printable(name)} is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise ImportFailed(msg) from None
    except RecursionError:
        raise ImportFailed(f"{printable(name)} is nested too deeply to be read") from None


def _read_web(url: str, timeout: float) -> Feed:
    """Every page of a web source: ORUK's ``page_number``/``total_pages``, a Spring page's
    ``number``/``totalPages``/``last``, or a ``next`` link, until the last page."""
    feed = Feed([])
    seen: set[str] = set()
    previous: list[Any] | None = None
    address: str | None = url
    while address is not None:
        if address in seen:
            break
        if feed.pages >= MAX_PAGES:
            feed.notes.append(f"stopped after {MAX_PAGES:,} pages")
            break
        seen.add(address)
        data = _parse(_get(address, timeout), address)
        if feed.pages == 0 and _api_root(data):  # ORUK's "/": its services are at /services
            address = urljoin(address.split("?")[0].rstrip("/") + "/", "services")
            continue
        feed.pages += 1
        items, address = _services_in(data, address, feed.notes)
        ids = [item.get("id") for item in items]
        if previous is not None and items and ids == previous:
            feed.notes.append(
                f"page {feed.pages} repeated the page before it (the server may not take "
                "?page=); stopped there"
            )
            break
        previous = ids
        feed.services += items
    return feed


def _api_root(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and "version" in data
        and not any(k in data for k in ("contents", "content", "name", "id"))
    )


def _get(url: str, timeout: float) -> bytes:
    """The body at ``url``; any failure as one line."""
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
    )
    shown_url = printable(url)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body: bytes = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise ImportFailed(f"{shown_url} answered {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise ImportFailed(f"{shown_url} did not answer within {timeout:g} seconds") from None
        what = getattr(reason, "strerror", None) or str(reason)
        raise ImportFailed(f"cannot reach {shown_url}: {printable(what)}") from None
    except TimeoutError:
        raise ImportFailed(f"{shown_url} did not answer within {timeout:g} seconds") from None
    except (OSError, ValueError) as exc:
        raise ImportFailed(f"cannot read {shown_url}: {printable(str(exc))}") from None
    if len(body) > MAX_BYTES:
        raise ImportFailed(f"{shown_url} sent more than {MAX_BYTES:,} bytes")
    return body


def _services_in(
    data: Any, where: str, notes: list[str]
) -> tuple[list[dict[str, Any]], str | None]:
    """The services in one page, file or response, and the address of the next page (for
    a web page that says there is one)."""
    following: str | None = None
    if isinstance(data, list):
        items: Any = data
    elif isinstance(data, dict) and isinstance(data.get("contents"), list):  # ORUK 3.0
        items = data["contents"]
        following = _next(data, where, "page_number", "total_pages", "last_page", True)
    elif isinstance(data, dict) and isinstance(data.get("content"), list):  # Spring, Outpost
        items = data["content"]
        following = _next(data, where, "number", "totalPages", "last", False)
    elif isinstance(data, dict) and any(k in data for k in ("id", "name", "description")):
        items = [data]
    elif isinstance(data, dict) and any(
        isinstance(data.get(k), list) for k in ("items", "data", "services", "results")
    ):
        key = next(
            k for k in ("items", "data", "services", "results") if isinstance(data.get(k), list)
        )
        items = data[key]
    else:
        raise ImportFailed(
            f"{printable(where)} holds no services (expected an Open Referral page with "
            "'contents' or 'content', a service, or a list of services)"
        )
    services = []
    for number, item in enumerate(items, 1):
        if isinstance(item, dict):
            services.append(item)
        else:
            notes.append(f"{printable(where)}: item {number} is not a record; skipped")
    return services, following if where.lower().startswith(("http://", "https://")) else None


def _next(
    page: dict[str, Any], url: str, number: str, total: str, last: str, one_based: bool
) -> str | None:
    """The next page's address: a ``next`` link if the page gives one, else the same address
    with ``page=`` one more than this page's number, while the page says more follow (ORUK
    counts pages from 1; a Spring page from 0, Outpost's from 1, and both say ``last``)."""
    for link in (
        page.get("next"),
        _dig(page, "links", "next"),
        _dig(page, "_links", "next", "href"),
    ):
        if isinstance(link, str) and link.strip():
            return urljoin(url, link.strip())
    current = _whole(page.get(number))
    if page.get(last) is True or current is None:
        return None
    if page.get(last) is False:
        return _with_page(url, current + 1)
    pages = _whole(page.get(total))
    if pages is None or current + (0 if one_based else 1) >= pages:
        return None
    return _with_page(url, current + 1)


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _with_page(url: str, number: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("page", str(number))])))


# --- text ------------------------------------------------------------------------------------

_SKIPPED_TAGS = {"script", "style", "template", "title", "noscript"}
_BLOCK_TAGS = {
    "p", "div", "ul", "ol", "dl", "blockquote", "pre", "table", "hr", "section", "article",
    "header", "footer", "aside", "main", "figure", "figcaption", "address", "details",
    "summary", "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
_LINE_TAGS = {"br", "li", "tr", "dt", "dd"}
_LINK_SCHEMES = ("http", "https", "mailto", "tel")
#: Text is read as HTML when it holds a tag of HTML (not any ``<word>``) or an entity.
_LOOKS_HTML = re.compile(
    r"<(/?(p|br|div|span|ul|ol|li|a|b|i|u|em|strong|small|sup|sub|font|h[1-6]|table|thead|"
    r"tbody|tr|td|th|dl|dt|dd|blockquote|pre|code|hr|img|script|style|section|article|"
    r"iframe|center)\b[^<>]*>|!--)|&(#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,31});",
    re.I,
)


class _HtmlText(HTMLParser):
    """The words of HTML as a person reads them: paragraphs apart, list items and line
    breaks on lines of their own, a link as its words and its address; no script, style or
    picture."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.links: list[tuple[str | None, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skip += 1
        elif self.skip:
            return
        elif tag == "a":
            href = (dict(attrs).get("href") or "").strip()
            scheme = urlsplit(href).scheme.lower() if href else ""
            self.links.append((href if scheme in _LINK_SCHEMES else None, len(self.out)))
        elif tag in _BLOCK_TAGS:
            self.out.append("\n\n")
        elif tag in _LINE_TAGS:
            self.out.append("\n")
        elif tag in ("td", "th"):
            self.out.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SKIPPED_TAGS:
            self.handle_starttag(tag, attrs)
            if tag == "a":
                self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skip = max(0, self.skip - 1)
        elif self.skip:
            return
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            words = " ".join("".join(self.out[start:]).split())
            if href and words not in (href, href.partition(":")[2]):
                self.out.append(f" ({href})" if words else href)
        elif tag in _BLOCK_TAGS:
            self.out.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(re.sub(r"\s+", " ", data))


def html_text(value: str) -> str:
    """HTML (or text holding entities) as plain text, in ``normal_text``'s form."""
    reader = _HtmlText()
    try:
        reader.feed(value)
        reader.close()
        text = "".join(reader.out)
    except Exception:  # the parser is lenient; if it ever gives up, drop the tags
        text = re.sub(r"<[^<>]*>", " ", value)
    return normal_text(text)


def normal_text(value: str) -> str:
    """Text as it is compared and written: no control characters or direction overrides
    (``check`` refuses them), spaces collapsed in each line, lines trimmed, paragraphs one
    blank line apart."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate({0x2028: "\n", 0x2029: "\n\n", 0x85: "\n", 0x09: " "})
    text = FORBIDDEN.sub("", text)
    paragraphs: list[list[str]] = [[]]
    for line in text.split("\n"):
        words = " ".join(line.split())
        if words:
            paragraphs[-1].append(words)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join("\n".join(p) for p in paragraphs if p)


def _as_text(value: Any) -> str:
    """A source value as plain text: markup and entities read as a browser shows them."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    text = str(value) if not isinstance(value, bool) else ("yes" if value else "no")
    return html_text(text) if _LOOKS_HTML.search(text) else normal_text(text)


def _one_line(value: Any) -> str:
    return " ".join(_as_text(value).split())


_BULLET = re.compile(r"(?:[-*+\u2022\u2023\u25e6\u25aa\u25cf]|\d{1,3}[.)])\s+")


def text_markdown(text: str) -> str:
    """Plain text (``normal_text``'s form) as markdown that shows the same words: each
    character markdown would act on escaped, and the lines of a paragraph of several lines
    (a list, in text) made list items. So a description from an ORUK feed, which carries
    the text of the page, comes back as the same text when it is published again."""
    out = []
    for paragraph in text.split("\n\n"):
        lines = [line for line in paragraph.split("\n") if line]
        if len(lines) == 1:
            out.append(_escaped(lines[0]))
        elif lines:
            marked = [bool(_BULLET.match(line)) for line in lines]
            if not marked[0] and all(marked[1:]):  # "We offer:" then "- play" lines
                out.append(_escaped(lines[0]))
                lines = lines[1:]
            items = [
                _BULLET.sub("", line, count=1) if _BULLET.match(line) else line for line in lines
            ]
            out.append("\n".join(f"- {_escaped(item)}" for item in items if item))
    return "\n\n".join(out)


def _escaped(line: str) -> str:
    """One line of text as markdown that shows exactly it."""
    line = line.replace("\\", "\\\\")
    line = re.sub(r"([`*_\[\]|])", r"\\\1", line)  # | too: a line of | and - is a table
    line = re.sub(r"&(?=[#A-Za-z])", "&amp;", line)  # &#9 and &copy are read without ;
    line = line.replace("<", "&lt;")
    if line[:1] in ("#", ">", "+", "-"):
        line = "\\" + line
    elif found := re.match(r"(\d+)\.", line):
        line = f"{found.group(1)}\\.{line[found.end() :]}"
    return line


# --- one service ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceTerm:
    """A term the source tags a service with: its id (when it has one worth mapping by),
    its name, and the list it came from."""

    id: str
    name: str
    origin: str


@dataclass
class Incoming:
    """One service of the source, in our shape: ``values`` by field (dotted inside
    ``access`` and ``contact``), as the loader reads text back."""

    key: str
    values: dict[str, Any]
    provider: str
    terms: list[SourceTerm] = field(default_factory=list)
    #: Values that were there but could not be used: (field, why).
    notes: list[tuple[str, str]] = field(default_factory=list)
    #: Fields of the source that have no place in our records.
    dropped: list[str] = field(default_factory=list)
    #: A word for a person about a field the source cannot fill (last_reviewed).
    hints: dict[str, str] = field(default_factory=dict)
    #: Why the service is not imported at all, if it is not.
    skip: str | None = None
    shape: str = "ORUK 3.0"
    mapped_several: dict[str, list[str]] = field(default_factory=dict)


class _Reader:
    """A raw record, remembering which of its fields were read, so that the rest can be
    listed as not imported."""

    def __init__(self, data: Any, path: str, used: set[str]) -> None:
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        self.path, self.used = path, used

    def _at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str) -> Any:
        self.used.add(self._at(key))
        return self.data.get(key)

    def has(self, key: str) -> bool:
        value = self.data.get(key)
        return value not in (None, "", [], {})

    def one(self, key: str) -> _Reader:
        value = self.data.get(key)
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, dict)), None)
            return _Reader(value, self._at(key) + "[]", self.used)
        return _Reader(value, self._at(key), self.used)

    def each(self, key: str) -> list[_Reader]:
        value = self.data.get(key)
        items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        if isinstance(value, list):
            return [
                _Reader(v, self._at(key) + "[]", self.used) for v in items if isinstance(v, dict)
            ]
        return [_Reader(v, self._at(key), self.used) for v in items]

    def skip(self, *keys: str) -> None:
        """Fields read for nothing: structure, or what a person needs no word about."""
        for key in keys:
            self.used.add(self._at(key))


def _leaves(value: Any, path: str, depth: int = 0) -> Iterator[str]:
    """The paths of every value in a raw record (``contacts[].phones[].number``); below
    twelve levels, the path of the whole."""
    if isinstance(value, (dict, list)) and depth >= 12:
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else str(key), depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, f"{path}[]", depth + 1)
    elif value not in (None, "") and path:
        yield path


def _unused(raw: dict[str, Any], used: set[str]) -> list[str]:
    """The fields of a raw record that were not read, but for the source's own ids."""
    found = []
    for path in dict.fromkeys(_leaves(raw, "")):
        last = re.split(r"\.|\[\]", path.removesuffix("[]"))[-1]
        if last == "id" or last.endswith("_id") or last in ("link_type", "slug"):
            continue  # the source's own ids and links between its tables
        prefixes = {path}
        for mark in re.finditer(r"\.|\[\]", path):
            prefixes |= {path[: mark.start()], path[: mark.end()] if mark.group() == "[]" else ""}
        if not prefixes & used:
            found.append(path)
    return found


@functools.cache
def _adapter(model: type[models.Record], name: str) -> TypeAdapter[Any]:
    annotation: Any = model.model_fields[name].annotation
    return TypeAdapter(annotation)


def _fits(model: type[models.Record], name: str, value: Any) -> str | None:
    """Why ``value`` cannot be ``model.name``, in ``check``'s words, or ``None`` if it can."""
    try:
        _adapter(model, name).validate_python(value)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        message = str((error.get("ctx") or {}).get("error", error["msg"]))
        return message.removeprefix("Value error, ")
    return None


_DAYS = {
    "MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday",
    "SA": "Saturday", "SU": "Sunday",
}  # fmt: skip


def normalise(raw: dict[str, Any]) -> Incoming:
    """One raw service of any of the shapes, in our shape; never raises on odd values."""
    used: set[str] = set()
    r = _Reader(raw, "", used)
    values: dict[str, Any] = {}
    incoming = Incoming("", values, "")
    incoming.shape = _shape(raw)
    notes = incoming.notes

    key = _one_line(r.get("id"))
    name = _one_line(r.get("name"))
    org = r.one("organization") if r.has("organization") else r.one("organisation")
    provider = _one_line(org.get("name"))
    incoming.key = key[:200] or ("name:" + " ".join(f"{name} {provider}".lower().split()))
    incoming.provider = provider
    _put(values, "name", name)
    _put(values, "organisation", provider)

    status = _one_line(r.get("status"))
    said = status.lower().replace("_", " ")
    if said in _STATUSES:
        _put(values, "status", _STATUSES[said])
    elif said:
        incoming.skip = (
            f"its status is '{shown(status)}', which is not one of active, inactive, defunct "
            "or temporarily closed"
        )

    description = _as_text(r.get("description"))
    offer = r.one("local_offer")
    more = [_as_text(offer.get("description"))]
    route = ""
    for answer in offer.each("survey_answers"):
        question, reply = _as_text(answer.get("question")), _as_text(answer.get("answer"))
        if re.search(r"start to use|how (can|do) .{0,40}(access|use|join|get)", question, re.I):
            route = route or _one_line(reply)
        elif reply:
            more += [question, reply]
    text = "\n\n".join(part for part in [description, *more] if part)
    _put(values, "description", text_markdown(text) if text else None)

    _contact(r, values, notes)
    _ages(r, values, notes)
    eligibility = _as_text(r.get("eligibility_description"))
    if not eligibility:
        kinds = [_as_text(e.get("eligibility")) for e in r.each("eligibilitys")]
        eligibility = "; ".join(dict.fromkeys(k for k in kinds if k))
    _put(values, "eligibility", eligibility)
    _put(values, "access.referral_route", _as_text(r.get("application_process")) or route)
    _self_referral(r, values, notes)
    _put(values, "cost", _cost(r))
    _put(values, "opening_times", _opening_times(r))
    _put(values, "locations", _locations(r, notes))
    _last_reviewed(r, values, notes, incoming.hints)
    incoming.terms = _terms(r)

    incoming.dropped = _unused(raw, used)
    return incoming


def _shape(raw: dict[str, Any]) -> str:
    if any(
        k in raw for k in ("service_taxonomys", "regular_schedules", "eligibilitys")
    ) and not any(k in raw for k in ("taxonomies", "send_needs", "needs_referral", "local_offer")):
        return "HSDS-UK 1.0"
    if any(
        k in raw for k in ("taxonomies", "send_needs", "needs_referral", "local_offer", "locations")
    ):
        return "Outpost"
    return "ORUK 3.0"


def _put(values: dict[str, Any], name: str, value: Any) -> None:
    if value not in (None, "", []):
        values[name] = value


def _contact(r: _Reader, values: dict[str, Any], notes: list[tuple[str, str]]) -> None:
    contacts = r.each("contacts")
    web = _one_line(r.get("url"))
    if web:
        problem = _fits(models.ServiceContact, "web", web)
        if problem:
            notes.append(("contact.web", problem))
        else:
            values["contact.web"] = web
    emails = [_one_line(r.get("email"))] + [_one_line(c.get("email")) for c in contacts]
    phones = [_one_line(p.get("number")) for p in r.each("phones")]
    for person in contacts:
        phones += [_one_line(person.get("phone"))]
        phones += [_one_line(p.get("number")) for p in person.each("phones")]
    for name, found, tidy in (
        ("email", emails, lambda v: v.removeprefix("mailto:").strip()),
        ("phone", phones, _phone),
    ):
        kept: str | None = None
        for value in dict.fromkeys(tidy(v) for v in found if v):
            problem = _fits(models.ServiceContact, name, value)
            if problem:
                notes.append((f"contact.{name}", problem))
            elif kept is None:
                kept = values[f"contact.{name}"] = value
            elif value != kept:
                notes.append(
                    (f"contact.{name}", f"'{shown(value)}' left out: a service has one {name}")
                )


def _phone(value: str) -> str:
    """A phone number as our records write it: ``+44 (0)1632 960000`` → ``+44 1632 960000``,
    ``01632-960000`` → ``01632 960000``."""
    number = value.removeprefix("tel:").strip()
    number = re.sub(r"^\+44\s*\(0\)\s*", "+44 ", number)
    number = re.sub(r"[().\-/]", " ", number)
    return " ".join(number.split())


def _age(value: Any, what: str, notes: list[tuple[str, str]]) -> int | None:
    if value in (None, "") or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        notes.append((what, f"'{shown(text)}' is not a whole number"))
        return None
    if number != number or number in (float("inf"), float("-inf")) or number != int(number):
        notes.append((what, f"'{shown(text)}' is not a whole number"))
        return None
    if number < 0:
        return None  # -1 is how several directories say "not known"
    if number > 25:
        notes.append((what, f"{int(number)} is above 25, the oldest age this site uses; left out"))
        return None
    return int(number)


def _ages(r: _Reader, values: dict[str, Any], notes: list[tuple[str, str]]) -> None:
    low = _age(r.get("minimum_age"), "min_age", notes)
    high = _age(r.get("maximum_age"), "max_age", notes)
    if low is None:
        low = _age(r.get("min_age"), "min_age", notes)
    if high is None:
        high = _age(r.get("max_age"), "max_age", notes)
    for rule in r.each("eligibilitys"):
        low_here = _age(rule.get("minimum_age"), "min_age", notes)
        high_here = _age(rule.get("maximum_age"), "max_age", notes)
        low = low_here if low is None else low if low_here is None else min(low, low_here)
        high = high_here if high is None else high if high_here is None else max(high, high_here)
    if low is not None and high is not None and low > high:
        notes.append(("min_age", f"the ages {low} to {high} are the wrong way round; left out"))
        return
    _put(values, "min_age", None if low is None else str(low))
    _put(values, "max_age", None if high is None else str(high))


def _self_referral(r: _Reader, values: dict[str, Any], notes: list[tuple[str, str]]) -> None:
    said = r.get("self_referral")
    needs = r.get("needs_referral")
    answer = _yes_no(said)
    if answer is None and isinstance(needs, bool | str):
        flipped = _yes_no(needs)
        answer = None if flipped is None else {"yes": "no", "no": "yes"}[flipped]
    if answer is None and (said not in (None, "") or needs not in (None, "")):
        notes.append(
            (
                "access.self_referral",
                f"'{shown(said if said is not None else needs)}' is not yes or no",
            )
        )
    _put(values, "access.self_referral", answer)


def _yes_no(value: Any) -> str | None:
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value).strip().lower() if isinstance(value, str) else ""
    return {"yes": "yes", "true": "yes", "y": "yes", "no": "no", "false": "no", "n": "no"}.get(text)


def _money(value: Any) -> str:
    """An amount as people read it: 35 → ``£35``, ``"3.5"`` → ``£3.50``; text as it is."""
    if isinstance(value, bool) or value in (None, ""):
        return ""
    text = _one_line(value)
    try:
        number = float(text.replace(",", "").lstrip("£").strip())
    except ValueError:
        return text
    if number != number or number < 0 or number == float("inf"):
        return text
    if number == 0:
        return "Free"
    return f"£{number:,.0f}" if number == int(number) else f"£{number:,.2f}"


def _cost(r: _Reader) -> str | None:
    parts = []
    for option in r.each("cost_options"):
        label = _one_line(option.get("option"))
        words = " ".join(
            w for w in (_money(option.get("amount")), _one_line(option.get("amount_description")),
                        _one_line(option.get("cost_type"))) if w
        )  # fmt: skip
        text = f"{label}: {words}" if label and words else label or words
        if text:
            parts.append(text)
    if parts:
        return "; ".join(dict.fromkeys(parts))
    fees = _one_line(r.get("fees_description")) or _one_line(r.get("fees"))
    if fees:
        return fees
    free = r.get("free")
    if free is True:
        return "Free"
    return None


def _hours(value: Any) -> str:
    found = re.match(r"\s*(\d{1,2}):(\d\d)", str(value or ""))
    return f"{int(found.group(1)):02d}:{found.group(2)}" if found else ""


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _opening_times(r: _Reader) -> str | None:
    """Schedules as a line of text: each one's own description, or its days and hours."""
    told: list[str] = []
    days_at: dict[tuple[str, str], list[str]] = {}
    schedules = r.each("schedules") + r.each("regular_schedules")
    for at in r.each("service_at_locations"):
        schedules += (
            at.each("regular_schedule") + at.each("regular_schedules") + at.each("schedules")
        )
    for schedule in schedules:
        described = _one_line(schedule.get("description"))
        if described:
            told.append(described)
            continue
        opens, closes = _hours(schedule.get("opens_at")), _hours(schedule.get("closes_at"))
        day = _one_line(schedule.get("weekday"))
        days = [day.capitalize()] if day else []
        if not days:
            codes = re.findall(r"[A-Za-z]{2}", str(schedule.get("byday") or ""))
            days = [_DAYS[c.upper()] for c in codes if c.upper() in _DAYS]
        if opens and closes:
            days_at.setdefault((opens, closes), []).extend(d for d in days if d)
            if not days:
                told.append(f"{opens} to {closes}")
    for (opens, closes), days in days_at.items():
        if days:
            told.append(f"{_listed(list(dict.fromkeys(days)))}, {opens} to {closes}")
    return "; ".join(dict.fromkeys(told)) or None


_UK = {"gb", "uk", "united kingdom", "great britain", "england", "scotland", "wales",
       "northern ireland", "gbr"}  # fmt: skip


def _locations(r: _Reader, notes: list[tuple[str, str]]) -> list[dict[str, str]] | None:
    places = [at.one("location") for at in r.each("service_at_locations")] or r.each("locations")
    found: list[dict[str, str]] = []
    if places and r.has("service_at_locations"):
        r.skip("locations")  # Outpost lists the same places twice
    for place in places:
        addresses = place.each("addresses") + place.each("physical_addresses")
        address = addresses[0] if addresses else place
        lines = [
            _one_line(address.get(k))
            for k in ("address_1", "address_2", "address_3", "address_4", "city", "region",
                      "state_province")
        ]  # fmt: skip
        country = _one_line(address.get("country"))
        postcode = _one_line(address.get("postal_code")) or _one_line(address.get("postcode"))
        if postcode and _fits(models.Location, "postcode", postcode):
            notes.append(
                ("locations", f"'{shown(postcode)}' is not a UK postcode; kept in the address")
            )
            lines.append(postcode)
            postcode = ""
        if country and country.lower() not in _UK:
            lines.append(country)
        text = ", ".join(dict.fromkeys(line for line in lines if line))
        name = _one_line(place.get("name")) or (lines[0] if lines and lines[0] else "")
        access = [
            _one_line(a.get(key))
            for a in place.each("accessibility")
            for key in ("description", "accessibility")  # 3.0 gives the one, HSDS 3 the other
        ]
        access += [
            _one_line(a.get("accessibility")) for a in place.each("accessibility_for_disabilities")
        ]
        access += [_one_line(a.get("name")) for a in place.each("accessibilities")]
        if not name:
            if text or postcode:
                notes.append(
                    ("locations", f"a place at '{shown(text or postcode)}' has no name; left out")
                )
            continue
        entry = {"name": name, "address": text, "postcode": postcode.upper(),
                 "accessibility": "; ".join(dict.fromkeys(a for a in access if a))}  # fmt: skip
        entry = {k: v for k, v in entry.items() if v}
        if entry not in found:
            found.append(entry)
    return found or None


_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")
_UK_DATE = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\b")


def _day(value: Any) -> date | None:
    text = str(value or "")
    found = _DATE.match(text)
    try:
        if found:
            return date(int(found[1]), int(found[2]), int(found[3]))
        found = _UK_DATE.match(text)
        if found:
            return date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        return None
    return None


def _last_reviewed(
    r: _Reader, values: dict[str, Any], notes: list[tuple[str, str]], hints: dict[str, str]
) -> None:
    said = r.get("assured_date")
    day = _day(said)
    if said not in (None, "") and (day is None or _fits(models.Service, "last_reviewed", day)):
        notes.append(("last_reviewed", f"'{shown(said)}' is not a date between 1900 and 2100"))
    elif day is not None:
        values["last_reviewed"] = day.isoformat()
    changed = _day(r.get("last_modified")) or _day(r.get("updated_at"))
    if changed:
        hints["last_reviewed"] = f"the source last changed the record on {changed.isoformat()}"


def _terms(r: _Reader) -> list[SourceTerm]:
    """Every term the source tags the service with, for the mapping."""
    terms: list[SourceTerm] = []

    def add(ident: Any, name: Any, origin: str) -> None:
        words = _one_line(name)
        if isinstance(ident, (int, float)) and not isinstance(ident, bool):
            key = f"{origin}:{ident:g}" if isinstance(ident, float) else f"{origin}:{ident}"
        else:
            key = _one_line(ident)
        if words or key:
            terms.append(SourceTerm(key, words or key, origin))

    for attribute in r.each("attributes"):
        term = attribute.one("taxonomy_term")
        term.skip("description", "term_uri", "parent_id", "taxonomy_id")
        taxonomy = term.get("taxonomy")
        label = _one_line(taxonomy.get("name") if isinstance(taxonomy, dict) else taxonomy)
        ident = term.get("id") or attribute.get("taxonomy_term_id")
        add(ident, term.get("name") or term.get("term"), label or "attributes")
        if term.get("name"):
            term.skip("term")
    for tagged in r.each("service_taxonomys"):
        taxonomy = tagged.one("taxonomy")
        taxonomy.skip("parent", "vocabulary")
        vocabulary = _one_line(taxonomy.data.get("vocabulary"))
        add(taxonomy.get("id"), taxonomy.get("name"), vocabulary or "service_taxonomys")
    for origin in ("taxonomies", "send_needs", "suitabilities", "directories"):
        for item in r.each(origin):
            item.skip("parent_id", "level", "label")
            add(item.get("id"), item.get("name"), origin)
    for area in r.each("service_areas"):
        area.skip("extent", "extent_type", "uri")
        add(None, area.get("name") or area.get("service_area"), "service area")
        if area.data.get("name"):
            area.skip("service_area")
    for key in ("attending_type", "deliverable_type", "attending_access"):
        value = r.get(key)
        if isinstance(value, str) and value.strip():
            add(None, value, key)
    return list(dict.fromkeys(terms))


# --- the mapping file --------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass
class Mapping:
    """The council's mapping: for each of our vocabularies, source terms (by id or name,
    compared without case) → our term ids."""

    shown: str
    terms: dict[str, dict[str, list[str]]]
    listed: set[str]
    exists: bool

    def ids(self, vocabulary: str, term: SourceTerm) -> list[str]:
        table = self.terms.get(vocabulary, {})
        found = table.get(_norm(term.id), []) if term.id else []
        return found + [i for i in table.get(_norm(term.name), []) if i not in found]

    def maps(self, term: SourceTerm) -> bool:
        return any(self.ids(v, term) for v in VOCABULARIES)

    @property
    def empty(self) -> bool:
        return not any(self.terms.values())


def read_mapping(path: Path, shown_as: str, vocab: models.Vocabularies) -> Mapping:
    """The mapping file (an empty one if there is none); ``DataError`` with every problem,
    at its line."""
    mapping = Mapping(shown_as, {v: {} for v in VOCABULARIES}, set(), path.exists())
    if not mapping.exists:
        return mapping
    source, problems = load_yaml(path, shown_as)
    if problems:
        raise DataError(problems)
    data = source.data
    if data is None:
        return mapping
    if not isinstance(data, dict):
        raise DataError(
            [source.problem((), "should hold the vocabularies' names, each with its terms")]
        )
    terms = vocab.by_id()
    for top, table in data.items():
        if top == "source_terms":
            for item in table if isinstance(table, list) else []:
                if isinstance(item, dict):
                    mapping.listed |= {
                        _norm(str(item.get(k))) for k in ("id", "name") if item.get(k)
                    }
            continue
        if top not in VOCABULARIES:
            allowed = ", ".join([*VOCABULARIES, "source_terms"])
            problems.append(source.problem((top,), f"unknown key {top!r}; allowed: {allowed}"))
            continue
        if table is None:
            continue
        if not isinstance(table, dict):
            msg = "should list source terms, each followed by ': ' and one of our ids"
            problems.append(source.problem((top,), msg))
            continue
        for name, ours in table.items():
            wanted = [ours] if isinstance(ours, str) else ours if isinstance(ours, list) else []
            if ours is not None and not isinstance(ours, (str, list)):
                problems.append(
                    source.problem((top, name), "should be one of our ids, or a list of them")
                )
            for number, ident in enumerate(wanted):
                loc = (top, name) if isinstance(ours, str) else (top, name, number)
                if not isinstance(ident, str) or ident not in terms[top]:
                    choices = ", ".join(list(terms[top])[:30]) + (
                        ", …" if len(terms[top]) > 30 else ""
                    )
                    problems.append(
                        source.problem(loc, f"'{shown(ident)}' is not one of {choices}")
                    )
            kept = [i for i in wanted if isinstance(i, str) and i in terms[top]]
            mapping.terms[top].setdefault(_norm(name), [])
            mapping.terms[top][_norm(name)] += [
                i for i in kept if i not in mapping.terms[top][_norm(name)]
            ]
    if problems:
        raise DataError(problems)
    return mapping


def _starter(vocab: models.Vocabularies, terms: list[SourceTerm]) -> str:
    """The text of a new mapping file: our vocabularies, empty, each with our ids in a
    comment, and every source term met."""
    lines = [
        "# Which terms of the directory you import mean which of this site's terms. Under each",
        "# of this site's vocabularies, write a source term (its name or its id, as listed",
        "# under source_terms below), a colon and the id of our term it means, or a list of",
        "# ids:  Speech and Language Therapy: speech-and-language-therapy",
        "# A source term may appear under several vocabularies. Then run import-oruk again.",
        "# Started by `python -m generator import-oruk`; see README, \"Bringing in a council's",
        '# directory (import-oruk)".',
    ]
    for name in VOCABULARIES:
        ids = [t.id for t in getattr(vocab, name)]
        listed = ", ".join(ids[:30]) + (f", … ({len(ids)} in all)" if len(ids) > 30 else "")
        lines += [f"{name}:", f"  # ours: {listed}"]
    lines += [
        "# Every term the import has met in the source; new ones are added at the end.",
        "source_terms:",
    ]
    return "\n".join(lines) + "\n" + _dump_terms(terms)


def _term_entry(term: SourceTerm) -> CommentedMap:
    entry = CommentedMap([("name", term.name)])
    if term.id and term.id != term.name:
        entry["id"] = term.id
    entry["from"] = term.origin
    entry.fa.set_flow_style()
    return entry


def _dump_terms(terms: list[SourceTerm]) -> str:
    if not terms:
        return ""
    out = io.StringIO()
    _yaml().dump(CommentedSeq(_term_entry(t) for t in terms), out)
    return out.getvalue()


def _yaml(mapping: int = 2, sequence: int = 4, offset: int = 2) -> YAML:
    writer = YAML()
    writer.preserve_quotes = True
    writer.width = 4096  # a text stays on its line, as people type it
    writer.indent(mapping=mapping, sequence=sequence, offset=offset)
    return writer


# --- the project's services, and the state ------------------------------------------------------


@dataclass
class Local:
    """The services files as they are now, read as ``check`` reads them."""

    sources: dict[str, Source]  # by key under data/: services.yaml, services/acme.yaml
    where: dict[str, tuple[str, int]]  # our id → (file key, index)
    taken: set[str]


def _local(root: Path) -> Local:
    sources: dict[str, Source] = {}
    problems: list[Problem] = []
    single = root / "data" / "services.yaml"
    if single.exists():
        sources["services.yaml"], problems = load_yaml(single, "data/services.yaml")
    found, more = load_folder(root / "data" / "services", "services")
    sources.update(found)
    problems += more
    if problems:
        raise DataError(problems)
    where: dict[str, tuple[str, int]] = {}
    for key, source in sources.items():
        items = source.data.get("services") if isinstance(source.data, dict) else None
        for index, item in enumerate(items if isinstance(items, list) else []):
            ident = item.get("id") if isinstance(item, dict) else None
            if isinstance(ident, str):
                where.setdefault(ident, (key, index))
    taken = set(where) | {"index"}
    pages = root / "content" / "services"
    if pages.is_dir():
        taken |= {p.stem for p in pages.iterdir()} | {p.name for p in pages.iterdir()}
    return Local(sources, where, taken)


def _record(local: Local, key: str, index: int) -> dict[str, Any]:
    data = local.sources[key].data
    item = data["services"][index] if isinstance(data, dict) else None
    return item if isinstance(item, dict) else {}


def canonical(raw: dict[str, Any]) -> dict[str, Any]:
    """A record's imported fields as they compare: text trimmed, yes/no and ages written one
    way, a one-item list as a list."""
    out: dict[str, Any] = {}
    for name in FIELDS:
        value: Any = raw
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        value = _canon(name, value)
        if value is not None:
            out[name] = value
    return out


def _canon(name: str, value: Any) -> Any:
    if value is None or value == "" or value == []:
        return None
    if name in LISTS or name == "locations":
        items = value if isinstance(value, list) else [value]
        if name == "locations":
            return [
                {k: str(v).strip() for k, v in item.items() if v not in (None, "")}
                if isinstance(item, dict) else item
                for item in items
            ]  # fmt: skip
        return [item.strip() if isinstance(item, str) else item for item in items]
    if not isinstance(value, str):
        return value
    text = value.strip()
    if name == "access.self_referral":
        return _yes_no(text) or text
    if name in ("min_age", "max_age") and text.isdigit():
        return str(int(text))
    return text.replace("\r\n", "\n") or None


@dataclass
class State:
    """What the last import brought in, by the source's id."""

    records: dict[str, dict[str, Any]]

    def text(self) -> str:
        body = {
            "about": "What `python -m generator import-oruk` last brought in from the "
            "source, by the source's id: it tells local edits from changes in the source. "
            "Written by the import; commit it with data/, do not edit it.",
            "records": self.records,
        }
        return json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _read_state(path: Path) -> State:
    if not path.exists():
        return State({})
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
        records = data["records"]
        if not isinstance(records, dict) or not all(
            isinstance(r, dict)
            and isinstance(r.get("id"), str)
            and isinstance(r.get("values"), dict)
            for r in records.values()
        ):
            raise ValueError("unexpected contents")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ImportFailed(
            f"{STATE} cannot be read ({printable(str(exc))[:100]}); restore it from version "
            "control: without it every local edit would look like a conflict"
        ) from None
    return State(records)


# --- one run -------------------------------------------------------------------------------------


Side = Literal["theirs", "ours"] | None


@dataclass
class Change:
    """What happens to one file: records updated (index → field → value; ``None`` removes
    it) and records added (our id, the source's id, values)."""

    updates: dict[int, dict[str, Any]] = field(default_factory=dict)
    added: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)


@dataclass
class Report:
    """What a run did and what a person must do, one line each."""

    lines: list[str] = field(default_factory=list)
    conflicts: int = 0
    counts: Counter[str] = field(default_factory=Counter)


def run_import(
    root: Path,
    source: str,
    *,
    side: Side = None,
    mapping_path: Path | None = None,
    timeout: float = TIMEOUT,
) -> Report:
    """Import ``source`` into the project at ``root``; the report says what was done."""
    vocab = _vocabularies(root)
    feed = read_source(source, timeout)
    mapping_file = mapping_path or root / MAPPING
    mapping_shown = _shown_path(mapping_file, root)
    mapping = read_mapping(mapping_file, mapping_shown, vocab)
    local = _local(root)
    state_path = root / STATE
    state = _read_state(state_path)
    report = Report()
    origin = _origin(source)

    incoming: list[Incoming] = []
    seen: dict[str, Incoming] = {}
    for raw in feed.services:
        one = normalise(raw)
        first = seen.get(one.key)
        if first is not None:
            if (first.values, first.terms) != (one.values, one.terms):  # not a mere repeat
                report.lines.append(
                    f"source: the id '{shown(one.key)}' is given twice; the second was skipped"
                )
            continue
        seen[one.key] = one
        incoming.append(one)
    _apply_mapping(incoming, mapping)

    # the mapping file: started on the first run, new terms added later
    met = list(dict.fromkeys(t for one in incoming for t in one.terms))
    new_terms = [
        t for t in met if _norm(t.id) not in mapping.listed and _norm(t.name) not in mapping.listed
    ]
    mapping_text = _mapping_text(mapping_file, mapping, vocab, new_terms)

    changes: dict[str, Change] = {}
    done: dict[str, tuple[str, str]] = {}  # source key → (file key, our id) to report on
    new_state = {k: dict(v) for k, v in state.records.items()}
    assigned: dict[str, str] = {}
    for one in incoming:
        if one.skip:
            report.counts["skipped"] += 1
            report.lines.append(
                f"source: '{shown(one.values.get('name') or one.key)}' was not imported: {one.skip}"
            )
            continue
        theirs = one.values
        entry = state.records.get(one.key)
        here = local.where.get(entry["id"]) if entry else None
        if entry is None:
            adopted = _adopt(one, local)
            if adopted is not None:
                entry, here = {"id": adopted, "values": None}, local.where[adopted]
        if entry is not None and here is None and side != "theirs":
            report.counts["removed here"] += 1
            report.lines.append(
                f"source: '{shown(theirs.get('name') or one.key)}' was imported before as "
                f"{entry['id']} and has since been removed here; it is not added back (run "
                "with --theirs to add it back)"
            )
            continue
        if entry is None or here is None:
            ident = (
                entry["id"]
                if entry and entry["id"] not in local.taken
                else _free_id(theirs, local, assigned)
            )
            assigned[ident] = one.key
            file = _file_for(one)
            changes.setdefault(file, Change()).added.append((ident, one.key, theirs))
            new_state[one.key] = {"id": ident, "from": origin, "values": theirs}
            done[one.key] = (file, ident)
            report.counts["added"] += 1
            continue
        file, index = here
        done[one.key] = (file, entry["id"])
        ours = canonical(_record(local, file, index))
        base = entry["values"]
        taken, conflicts = _merge(base, ours, theirs)
        if conflicts and side is None:
            report.conflicts += 1
            report.counts["conflicts"] += 1
            source_file = local.sources[file]
            for name in conflicts:
                loc: tuple[str | int, ...] = ("services", index, *name.split("."))
                report.lines.append(str(source_file.problem(loc, (
                    f"changed here and in the source: ours {_said(ours.get(name))}, theirs "
                    f"{_said(theirs.get(name))}; this service was left as it is (run again "
                    "with --theirs to take the source's values, or --ours to keep yours)"
                ))))  # fmt: skip
            continue
        if side == "theirs":
            taken.update({name: theirs.get(name) for name in conflicts})
        if base is not None:
            report.counts["local edits kept"] += sum(
                1
                for n in FIELDS
                if ours.get(n) != base.get(n) and ours.get(n) != theirs.get(n) and n not in taken
            )
        if taken:
            changes.setdefault(file, Change()).updates[index] = taken
            report.counts["updated"] += 1
        else:
            report.counts["unchanged"] += 1
        new_state[one.key] = {"id": entry["id"], "from": origin, "values": theirs}
    for key, entry in state.records.items():
        if key not in seen and entry.get("from") == origin and entry["id"] in local.where:
            file, index = local.where[entry["id"]]
            report.lines.append(str(local.sources[file].problem(("services", index), (
                "is no longer in the source; it was left as it is: set its status or remove it"
            ))))  # fmt: skip

    written = _write_all(root, changes)
    state_text = State(new_state).text()
    if not state_path.exists() or state_path.read_text(encoding="utf-8") != state_text:
        _replace(state_path, state_text.encode())
    if mapping_text is not None:
        _replace(mapping_file, mapping_text.encode())

    after = _local(root) if written else local
    report.lines += _to_do(incoming, done, after, mapping)
    report.lines += _summaries(feed, incoming, mapping, mapping_shown, new_terms, mapping_text)
    report.lines.append(_summary(source, feed, incoming, report))
    return report


def _origin(source: str) -> str:
    """The source as the state remembers it: a web address without its page number."""
    parts = urlsplit(source)
    if parts.scheme.lower() in ("http", "https"):
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
        return urlunsplit(parts._replace(query=urlencode(query)))
    return source


def _vocabularies(root: Path) -> models.Vocabularies:
    path = root / "data" / "vocabularies.yaml"
    if not path.exists():
        raise ImportFailed("data/vocabularies.yaml is missing: the import maps terms to its ids")
    source, problems = load_yaml(path, "data/vocabularies.yaml")
    if problems:
        raise DataError(problems)
    try:
        return models.VocabulariesFile.model_validate(source.data).vocabularies
    except ValidationError:
        raise ImportFailed(
            "data/vocabularies.yaml has problems; run `python -m generator check` and fix "
            "them first"
        ) from None


def _shown_path(path: Path, root: Path) -> str:
    with contextlib.suppress(ValueError):
        return path.resolve().relative_to(root.resolve()).as_posix()
    return str(path)


def _apply_mapping(incoming: list[Incoming], mapping: Mapping) -> None:
    for one in incoming:
        for vocabulary, name in VOCABULARIES.items():
            ids = list(dict.fromkeys(i for t in one.terms for i in mapping.ids(vocabulary, t)))
            if name == "discipline":
                if len(ids) == 1:
                    one.values[name] = ids[0]
                elif ids:
                    one.mapped_several[name] = ids
            elif ids:
                one.values[name] = ids


def _mapping_text(
    path: Path, mapping: Mapping, vocab: models.Vocabularies, new_terms: list[SourceTerm]
) -> str | None:
    """The mapping file's new text, or ``None`` when it stays as it is."""
    if not mapping.exists:
        return _starter(vocab, new_terms)
    if not new_terms:
        return None
    text = path.read_text(encoding="utf-8-sig")
    writer = _yaml(*_indents(text))
    try:
        doc = writer.load(text)
    except YAMLError:
        return None  # read_mapping has read it; never here
    if doc is None:
        doc = CommentedMap()
    listed = doc.get("source_terms")
    if not isinstance(listed, list):
        listed = doc["source_terms"] = CommentedSeq()
    listed.extend(_term_entry(t) for t in new_terms)
    out = io.StringIO()
    writer.dump(doc, out)
    return out.getvalue()


def _merge(
    base: dict[str, Any] | None, ours: dict[str, Any], theirs: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The fields to set from the source, and the fields in conflict. Without a base (a
    record found by its id, with no state), a difference is a conflict unless the source
    says nothing about the field."""
    taken: dict[str, Any] = {}
    conflicts = []
    for name in FIELDS:
        mine, new = ours.get(name), theirs.get(name)
        if mine == new:
            continue
        if base is None:
            if new is not None:
                conflicts.append(name)
            continue
        old = base.get(name)
        if mine == old:
            taken[name] = new
        elif new != old:
            conflicts.append(name)
    return taken, conflicts


def _said(value: Any) -> str:
    if value is None:
        return "(not given)"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return (
                "["
                + "; ".join(str(v.get("name", v)) if isinstance(v, dict) else str(v) for v in value)
                + "]"
            )
        return "[" + ", ".join(map(str, value)) + "]"
    return f"'{shown(value)}'"


def _slug(text: str, most: int = 50) -> str:
    """Lower case and hyphens, cut at a word: "Children's Speech Service" → ``childrens-
    speech-service``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", re.sub(r"['\u2019]", "", plain.lower())).strip("-")
    if len(words) > most:
        cut = words[: most + 1]
        words = cut.rsplit("-", 1)[0] if "-" in cut else words[:most]
    return words.strip("-")


def _free_id(values: dict[str, Any], local: Local, assigned: dict[str, str]) -> str:
    """An id made from the name that no record, page or other imported service has, the
    same each time for the same feed (a number is added in the feed's order)."""
    base = _slug(str(values.get("name") or "")) or "service"
    found, number = base, 2
    while found in local.taken or found in assigned or re.fullmatch(r"page-\d+", found):
        found, number = f"{base}-{number}", number + 1
    return found


def _adopt(one: Incoming, local: Local) -> str | None:
    """Without a state (lost, or never committed), a record whose id is the one this
    service would get and whose name is its name is taken to be it."""
    base = _slug(str(one.values.get("name") or ""))
    if base in local.where:
        key, index = local.where[base]
        if canonical(_record(local, key, index)).get("name") == one.values.get("name"):
            return base
    return None


def _file_for(one: Incoming) -> str:
    slug = _slug(one.provider) or "imported-services"
    return f"services/{slug}.yaml"


def _typed(name: str, value: Any) -> Any:
    """A value as YAML writes it best: whole numbers plain, dates as dates, lists of ids on
    one line, markdown as a block, places one under another."""
    if name in ("min_age", "max_age") and isinstance(value, str) and value.isdigit():
        return int(value)
    if name == "last_reviewed" and isinstance(value, str):
        with contextlib.suppress(ValueError):
            return date.fromisoformat(value)
    if name in LISTS and isinstance(value, list):
        seq = CommentedSeq(value)
        seq.fa.set_flow_style()
        return seq
    if name == "locations" and isinstance(value, list):
        return CommentedSeq(
            CommentedMap((k, item[k]) for k in _LOCATION_KEYS if k in item) for item in value
        )
    if name == "description" and isinstance(value, str):
        return LiteralScalarString(value + "\n")
    return value


def _set(record: CommentedMap, name: str, value: Any) -> None:
    """Set (or, for ``None``, remove) a field of a record, in the model's order of fields."""
    group, _, sub = name.rpartition(".")
    target: Any = record
    if group:
        target = record.get(group)
        if not isinstance(target, dict):
            if value is None:
                return
            target = CommentedMap()
            _insert(record, group, target, _ORDER[""])
    if value is None:
        if isinstance(target, dict):
            target.pop(sub, None)
        if group and isinstance(target, dict) and not target:
            record.pop(group, None)
        return
    _insert(target, sub, _typed(name, value), _ORDER[group])


def _insert(target: CommentedMap, key: str, value: Any, order: list[str]) -> None:
    if key in target:
        target[key] = value
        return
    rank = order.index(key) if key in order else len(order)
    position = sum(1 for k in target if k in order and order.index(k) < rank)
    target.insert(position, key, value)


def _new_record(ident: str, key: str, values: dict[str, Any]) -> CommentedMap:
    record = CommentedMap([("id", ident)])
    for name in FIELDS:
        if name in values:
            _set(record, name, values[name])
    if re.fullmatch(r"[\w:./@+-]{1,120}", key):
        record.yaml_add_eol_comment(f"source id {key}", "id")
    return record


def _indents(text: str) -> tuple[int, int, int]:
    """The indentation a YAML text uses: (mapping, sequence, offset of the dash)."""
    from ruamel.yaml.util import load_yaml_guess_indent

    try:
        _, sequence, offset = load_yaml_guess_indent(text)
    except YAMLError:
        return 2, 4, 2
    if not isinstance(sequence, int) or not isinstance(offset, int):
        return 2, 4, 2
    return 2, max(sequence, offset + 2), offset


def _write_all(root: Path, changes: dict[str, Change]) -> bool:
    """Write each file that changes, in its own style; nothing is written for a file whose
    text would stay the same."""
    written = False
    for key in sorted(changes):
        change = changes[key]
        path = root / "data" / key
        before = path.read_bytes() if path.exists() else b""
        bom = b"\xef\xbb\xbf" if before.startswith(b"\xef\xbb\xbf") else b""
        text = before[len(bom) :].decode("utf-8")
        crlf = "\r\n" in text[: text.find("\n") + 1] if "\n" in text else False
        if not text.strip():
            text = _header(key)
        writer = _yaml(*_indents(text))
        doc = writer.load(text.replace("\r\n", "\n"))
        if not isinstance(doc, dict):
            raise ImportFailed(
                f"data/{key} does not start with 'services:'; fix it and import again"
            )
        items = doc.get("services")
        if not isinstance(items, list) or (not items and change.added):
            items = CommentedSeq(items or [])
            doc["services"] = items
        for index, fields in change.updates.items():
            for name, value in fields.items():
                _set(items[index], name, value)
        for ident, source_key, values in change.added:
            items.append(_new_record(ident, source_key, values))
        out = io.StringIO()
        writer.dump(doc, out)
        after = out.getvalue()
        if crlf:
            after = after.replace("\n", "\r\n")
        data = bom + after.encode("utf-8")
        if data != before:
            _replace(path, data, check_as=f"data/{key}")
            written = True
    return written


def _header(key: str) -> str:
    return (
        f"{modeline(key)}\n"
        "# Services brought in by `python -m generator import-oruk` from an Open Referral\n"
        "# directory. Edit them freely: a later import keeps your edits, takes the source's\n"
        "# changes to fields you did not edit, and lists any field changed on both sides.\n"
        "services:\n"
    )


def _replace(path: Path, data: bytes, check_as: str | None = None) -> None:
    """Write ``data`` beside ``path`` in a hidden file and swap it in; a data file must read
    back without a problem first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.parent / f".{path.name}.{secrets.token_hex(4)}.new"
    try:
        with open(temp, "xb") as out:
            out.write(data)
        if check_as is not None:
            _, problems = load_yaml(temp, check_as)
            if problems:
                raise ImportFailed(f"{check_as} could not be written safely: {problems[0].message}")
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o777)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


# --- the report --------------------------------------------------------------------------------


def _to_do(
    incoming: list[Incoming], done: dict[str, tuple[str, str]], local: Local, mapping: Mapping
) -> list[str]:
    """For each imported service: what could not be used, and what a person must add, at the
    record's file and line."""
    lines = []
    for one in incoming:
        if one.key not in done:
            continue
        key, ident = done[one.key]
        if ident not in local.where:
            continue
        key, index = local.where[ident]
        source = local.sources[key]
        for name, why in one.notes:
            lines.append(
                str(source.problem(("services", index, *name.split(".")), f"not imported: {why}"))
            )
        now = canonical(_record(local, key, index))
        missing: dict[str, list[str]] = {}  # why → the fields missing for that reason
        for name in REQUIRED:
            if name == "contact":
                if not any(k in now for k in ("contact.phone", "contact.email", "contact.web")):
                    why = "one of phone, email or web: the source gives none that can be used"
                    missing.setdefault(why, []).append(name)
            elif name not in now:
                missing.setdefault(_why_missing(one, name, mapping), []).append(name)
        where = source.where(("services", index))
        at: dict[tuple[int, str], list[str]] = {}  # (line, why) → fields, at check's lines
        for why, names in missing.items():
            for name in names:
                line = source.line_of(("services", index, *name.split(".")))
                at.setdefault((line, why), []).append(name)
        for line in sorted({line for line, _ in at}):
            said = "; ".join(f"{', '.join(n)} ({why})" for (ln, why), n in at.items() if ln == line)
            lines.append(
                f"{printable(source.name)}:{line}: {printable(where)}: to add by hand: {said}"
            )
    return lines


def _why_missing(one: Incoming, name: str, mapping: Mapping) -> str:
    vocabulary = next((v for v, f in VOCABULARIES.items() if f == name), None)
    if vocabulary is not None:
        if name in one.mapped_several:
            several = ", ".join(one.mapped_several[name])
            return f"the source's terms give several: {several}; choose one"
        if not one.terms:
            return "the source tags this service with no terms"
        if mapping.empty:
            return f"map the source's terms in {mapping.shown}, then import again"
        unmapped = [t.name for t in one.terms if not mapping.ids(vocabulary, t)]
        listed = ", ".join(f"'{shown(t)}'" for t in unmapped[:3]) + (
            " …" if len(unmapped) > 3 else ""
        )
        return f"none of its source terms is mapped to {vocabulary} in {mapping.shown}: {listed}"
    hint = one.hints.get(name)
    return "not in the source" + (f"; {hint}" if hint else "")


def _summaries(
    feed: Feed,
    incoming: list[Incoming],
    mapping: Mapping,
    mapping_shown: str,
    new_terms: list[SourceTerm],
    mapping_text: str | None,
) -> list[str]:
    lines = [f"source: {note}" for note in feed.notes]
    dropped = Counter(path for one in incoming for path in dict.fromkeys(one.dropped))
    if dropped:
        listed = ", ".join(
            f"{path} ({count})"
            for path, count in sorted(dropped.items(), key=lambda i: (-i[1], i[0]))
        )
        lines.append(
            "not imported, as this site's records have no place for them (a field of the "
            f"source, then how many services gave it): {listed}"
        )
    used = Counter(t for one in incoming for t in one.terms)
    unmapped = [t for t in used if not mapping.maps(t)]
    if not mapping.exists:
        lines.append(
            f"wrote {mapping_shown}, listing the {len(new_terms)} terms met in the source, none "
            "mapped yet: under each vocabulary, give the source terms that mean each of our "
            "terms, then run import-oruk again"
        )
    elif new_terms and mapping_text is not None:
        lines.append(f"added {len(new_terms)} new source terms to {mapping_shown}, not mapped yet")
    if unmapped and mapping.exists:
        shown_terms = ", ".join(f"'{shown(t.name)}' ({used[t]})" for t in unmapped[:20])
        more = f" and {len(unmapped) - 20} more" if len(unmapped) > 20 else ""
        lines.append(
            f"{len(unmapped)} source terms are not mapped to any of this site's terms in "
            f"{mapping_shown} (then how many services use them): {shown_terms}{more}"
        )
    return lines


def _summary(source: str, feed: Feed, incoming: list[Incoming], report: Report) -> str:
    shapes = {one.shape for one in incoming}
    shape = next((s for s in ("Outpost", "HSDS-UK 1.0", "ORUK 3.0") if s in shapes), "")
    pages = f", {feed.pages} pages" if feed.pages > 1 else ""
    counts = report.counts
    parts = [
        f"{counts[k]} {k}" for k in ("added", "updated", "unchanged") if counts[k] or k != "updated"
    ]
    for k, words in (
        ("local edits kept", "local edits kept"),
        ("conflicts", "with conflicts, left as they were"),
        ("removed here", "removed here, not added back"),
        ("skipped", "not imported"),
    ):
        if counts[k]:
            parts.append(f"{counts[k]} {words}")
    return (
        f"import-oruk: {len(incoming)} service{'s' if len(incoming) != 1 else ''} read from "
        f"{printable(source)} "
        f"({shape or 'none'}{pages}): " + ", ".join(parts)
    )


def command(
    root: Path,
    source: str,
    *,
    theirs: bool = False,
    ours: bool = False,
    mapping: Path | None = None,
    out: Callable[[str], None] = print,
    err: Callable[[str], None] | None = None,
) -> int:
    """``python -m generator import-oruk``: prints the report; returns the exit code (0 done,
    1 conflicts left, or the source or the mapping could not be read, 2 a file could not be
    written)."""
    import sys

    def to_err(line: str) -> None:
        print(line, file=sys.stderr)

    tell = err or to_err
    side: Side = "theirs" if theirs else "ours" if ours else None
    try:
        report = run_import(root, source, side=side, mapping_path=mapping)
    except ImportFailed as exc:
        tell(f"import-oruk: {exc}")
        tell("Nothing was changed.")
        return exc.exit_code
    except DataError as exc:
        for problem in exc.problems:
            tell(str(problem))
        tell(
            f"{len(exc.problems)} problem{'s' if len(exc.problems) != 1 else ''} found; "
            "nothing was imported."
        )
        return exc.exit_code
    except OSError as exc:
        tell(f"import-oruk: {printable(str(exc.filename or ''))} cannot be written: {exc.strerror}")
        return 2
    for line in report.lines:
        out(line)
    if report.conflicts:
        tell(
            f"{report.conflicts} service{'s' if report.conflicts != 1 else ''} changed both "
            "here and in the source were left as they were: see above."
        )
        return 1
    return 0
