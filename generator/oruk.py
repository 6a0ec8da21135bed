"""Services as Open Referral UK 3.0 records, published as a static ORUK API under the
folder ``site.api_base`` (``oruk/``): ``api_files`` writes every file of it.

ORUK (the UK profile of HSDS) is what councils' family-information directories exchange.
Publishing the offer in it lets other directories reuse the records instead of retyping
them. Ids are UUIDs, as ORUK asks, derived from our ids so they stay the same between
builds. Fields ORUK has no name for (how to get the service) use HSDS 3.0's names, which
ORUK allows as extensions. Vocabulary terms become ``attributes`` with taxonomy terms, and
each vocabulary is a taxonomy of ``/taxonomies``.

ORUK is an API of fixed addresses (``/``, ``/services?page=2``, ``/services/{id}``), and
a static host serves files. Each address is a file, and ``_redirects`` maps the standard
addresses to them where the host reads rules:

- ``oruk/index.json``: ``/`` (version, profile, openapi_url);
- ``oruk/services-page-N.json``: ``/services?page=N``, 100 a page (``FEED_PAGE``), each
  saying where the next and previous pages are (``next``, ``prev``: addresses relative to
  the page's, which a consumer follows where the host cannot read ``?page=``);
- ``oruk/services/{id}/index.json``: ``/services/{id}``; the same for ``taxonomies``,
  ``taxonomy_terms``, ``organizations`` and ``service_at_locations``.

Pages lie beside the lists' folders, never in them, and each record one folder deeper: a
host that applies rules before files (Cloudflare Pages) sends ``/oruk/services/:id`` to the
record, and no rule can catch a file's own address. README, "Open data: the ORUK API",
says which host serves what.

Open data carries plain text, what a person reads on the page, never markup: a markdown
field (the description) goes in as the text of its cleaned HTML (``plain_text``), so a
consumer that renders the feed as markdown or HTML shows no script or unsafe link.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit
from uuid import NAMESPACE_URL, UUID, uuid5

from . import models
from .errors import Problem
from .headers import api_headers
from .sanitise import URL_SCHEMES, markdown_html, plain, url_of


def namespace(site: models.Settings) -> UUID:
    """The UUID namespace of one site's records: its address, or failing that its name.

    Two areas' services with the same id ("advice-line") must not share a UUID, or a
    directory that gathers both would merge them.
    """
    return uuid5(NAMESPACE_URL, site.site_url or f"local-offer:{site.name}")


def _uid(ns: UUID, *parts: str) -> str:
    return _uuid5(ns, "/".join(parts))


@functools.lru_cache(maxsize=200_000)
def _uuid5(ns: UUID, name: str) -> str:
    """``str(uuid5(ns, name))`` (RFC 4122), remembered, and made without a ``UUID`` object:
    a county's feed makes over 100,000 ids, and building each object took most of its time.
    Kept by the module, as a pure function of immutable values may be: no run can change
    what another is given (``memo`` holds the caches that could).
    """
    digest = bytearray(hashlib.sha1(_bytes(ns) + name.encode()).digest()[:16])
    digest[6] = digest[6] & 0x0F | 0x50  # version 5
    digest[8] = digest[8] & 0x3F | 0x80  # the RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@functools.cache  # pure, and immutable in and out, as ``_uuid5``
def _bytes(ns: UUID) -> bytes:
    return ns.bytes


def _known(fields: dict[str, Any]) -> dict[str, Any]:
    """ORUK fields are typed, not nullable: leave out what we do not know. (Only a record's
    and a location's own fields can be unknown; everything inside them is always given.)"""
    return {key: value for key, value in fields.items() if value is not None and value != []}


#: Elements that start a line of text, and those that stand apart with blank lines.
_LINE = {"br", "li", "tr", "dt", "dd"}
_BLOCK = {"p", "div", "ul", "ol", "dl", "blockquote", "pre", "table", "hr"} | {
    f"h{n}" for n in range(1, 7)
}
_CELL = {"td", "th"}
_WHITESPACE = re.compile(r"\s+")
_CELLS = re.compile(r" ?\t[ \t]*")
_SPACES = re.compile(r" {2,}")
_PARAGRAPHS = re.compile(r"\n{3,}")


class _Text(HTMLParser):
    """The words of clean HTML (``markdown_html``'s) as a person reads them on the page."""

    def __init__(self, site_url: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.site_url = site_url
        self.out: list[str] = []
        self.pre = 0
        self.links: list[tuple[str | None, int]] = []  # (address to add, where its words start)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append((self._address(dict(attrs).get("href")), len(self.out)))
        elif tag in _BLOCK:
            self.out.append("\n\n")
        elif tag in _LINE:
            self.out.append("\n")
        elif tag in _CELL:
            self.out.append("\t")
        if tag == "pre":
            self.pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            address, start = self.links.pop()
            words = " ".join("".join(self.out[start:]).split())
            if address and words not in (address, address.partition(":")[2]):
                self.out.append(f" ({address})" if words else address)
        elif tag in _BLOCK and tag != "hr":  # (a line's break is made at its start)
            self.out.append("\n\n")
        if tag == "pre" and self.pre:
            self.pre -= 1

    def handle_data(self, data: str) -> None:
        self.out.append(data if self.pre else _WHITESPACE.sub(" ", data))

    def _address(self, href: str | None) -> str | None:
        """The address a reader can use: web, mail and phone links as they are; a link to
        a page of the site as that page's address, if the site's is known; else none."""
        if not href:
            return None
        if href.startswith("site:"):
            if not self.site_url:
                return None
            path, mark, fragment = href[len("site:") :].partition("#")
            return self.site_url.rstrip("/") + "/" + url_of(path) + mark + fragment
        return href if urlsplit(href).scheme.lower() in URL_SCHEMES else None

    def text(self) -> str:
        lines = "".join(self.out).split("\n")
        kept = [_CELLS.sub("\t", _SPACES.sub(" ", line)).strip(" \t") for line in lines]
        return _PARAGRAPHS.sub("\n\n", "\n".join(kept)).strip("\n")


@functools.lru_cache(maxsize=65536)  # pure, and immutable in and out, as ``_uuid5``
def plain_text(html: str, site_url: str | None = None) -> str:
    """Clean HTML as plain text: no tags, entities decoded, a line break after each list
    item and a blank line after each paragraph; a link as its words, followed by its
    address in brackets if it is a web, mail or phone address (or a page of the site and
    ``site_url`` is known). Nothing is added that a markdown or HTML reader would act on
    beyond what the words themselves hold."""
    reader = _Text(site_url)
    if not plain(html, reader):  # anything unusual: the standard library's parser
        reader = _Text(site_url)
        reader.feed(html)
        reader.close()
    return reader.text()


def _plain(value: str, site_url: str | None) -> str:
    """A markdown field as the text a person reads on its page."""
    html = value.html if isinstance(value, models.Prose) else markdown_html(value)
    return plain_text(html, site_url)


#: Each vocabulary's terms by id, as ORUK's taxonomy terms (``_term``).
Lookup = dict[str, dict[str, dict[str, Any]]]


def term_lookup(vocab: models.Vocabularies, ns: UUID) -> Lookup:
    """Every vocabulary's terms by id, as ORUK's taxonomy terms, made once for the whole
    feed (a county's services name 60,000 terms between them)."""
    return {
        name: {term.id: _term(ns, name, term) for term in terms.values()}
        for name, terms in vocab.by_id().items()
    }


def _term(ns: UUID, vocabulary: str, term: models.Term) -> dict[str, Any]:
    """A vocabulary's term as ORUK's taxonomy term: the same in a service's attributes and
    at ``/taxonomy_terms/{id}``."""
    return {
        "id": _uid(ns, "term", vocabulary, term.id),
        "name": term.name,
        "description": term.description or term.name,
        "taxonomy": f"local-offer:{vocabulary}",
        "taxonomy_id": _uid(ns, "taxonomy", vocabulary),
        "term": term.id,
    }


def service_record(
    service: models.Service,
    vocab: models.Vocabularies,
    ns: UUID,
    lookup: Lookup | None = None,
    site_url: str | None = None,
) -> dict[str, Any]:
    """One service in ORUK 3.0 shape; links to the site's pages are made absolute with
    ``site_url``, when it is known."""
    terms = lookup or term_lookup(vocab, ns)
    sid = _uid(ns, "service", service.id)
    org = _uid(ns, "organisation", service.organisation)

    def term(vocabulary: str, term_id: str) -> dict[str, Any]:
        found = terms[vocabulary][term_id]
        return {
            "id": _uid(ns, "attribute", service.id, vocabulary, term_id),
            "link_id": sid,
            "link_type": "service",
            "taxonomy_term_id": found["id"],
            "taxonomy_term": found,
        }

    attributes = [term("disciplines", service.discipline)]
    for vocabulary in ("levels", "strands", "audiences", "needs", "delivery"):
        attributes += [term(vocabulary, t) for t in getattr(service, vocabulary)]
    contact = service.contact
    record = {
        "id": sid,
        "name": service.name,
        "status": service.status,
        "description": _plain(service.description, site_url),
        "url": contact.web,
        "email": contact.email,
        "minimum_age": service.min_age,
        "maximum_age": service.max_age,
        "assured_date": service.last_reviewed.isoformat(),
        "organization_id": org,
        "organization": {
            "id": org,
            "name": service.organisation,
            "description": service.organisation,
        },
        "contacts": [
            {
                "id": _uid(ns, "contact", service.id),
                "service_id": sid,
                "name": service.name,
                "phones": [{"id": _uid(ns, "phone", service.id), "number": contact.phone}],
            }
        ]
        if contact.phone
        else [],
        "cost_options": [
            {
                "id": _uid(ns, "cost", service.id),
                "service_id": sid,
                "amount_description": service.cost,
            }
        ]
        if service.cost is not None  # no cost given: none stated
        else [],
        "schedules": [
            {
                "id": _uid(ns, "schedule", service.id),
                "service_id": sid,
                "description": service.opening_times,
            }
        ]
        if service.opening_times
        else [],
        "service_areas": [
            {
                "id": _uid(ns, "area", service.id, a),
                "service_id": sid,
                "name": terms["areas"][a]["name"],
            }
            for a in service.areas
        ],
        "service_at_locations": [
            _location(ns, service.id, sid, i, place) for i, place in enumerate(service.locations)
        ],
        "attributes": attributes,
        # HSDS 3.0 names, allowed in ORUK as extensions:
        "eligibility_description": service.eligibility,
        "application_process": service.access.referral_route,
        # Ours, an extension too: whether a family may ask for it themselves, so an import
        # of this record (generator/importer.py) needs no person to say it again.
        "self_referral": service.access.self_referral,
    }
    return _known(record)


def _location(
    ns: UUID, service_id: str, sid: str, index: int, place: models.Location
) -> dict[str, Any]:
    lid = _uid(ns, "location", service_id, str(index))
    address = {
        "id": _uid(ns, "address", service_id, str(index)),
        "location_id": lid,
        "address_1": place.address or place.name,
        "city": "",
        "state_province": "",
        "postal_code": place.postcode or "",
        "country": "GB",
        "address_type": "physical",
    }
    return {
        "id": _uid(ns, "service_at_location", service_id, str(index)),
        "service_id": sid,
        "location_id": lid,
        "location": _known(
            {
                "id": lid,
                "location_type": "physical",
                "name": place.name,
                "addresses": [address] if place.address or place.postcode else [],
                "accessibility": [
                    {
                        "id": _uid(ns, "accessibility", service_id, str(index)),
                        "location_id": lid,
                        "description": place.accessibility,
                    }
                ]
                if place.accessibility
                else [],
            }
        ),
    }


# --- the API --------------------------------------------------------------------------------

#: What the API's root (``GET /``) says. ``version`` tells a validator or a consumer which
#: rules to read the API by (without it, the ORUK validator falls back to version 1.0's).
ROOT = {
    "version": "HSDS-UK-3.0",
    "profile": "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md",
    "openapi_url": (
        "https://raw.githubusercontent.com/OpenReferralUK/uk-profile/main/schema/openapi.json"
    ),
}

#: Items in one page of a list: a consumer fetches page after page, as from any ORUK API,
#: and no file grows without bound (5,000 services in one file would be over 40 MB); 100
#: fully nested services are under 1 MB, and a county's 5,000 are 50 requests.
FEED_PAGE = 100

#: The API's lists by their ORUK names: each is paged (``/services?page=2``) and each of
#: its records has an address of its own (``/services/{id}``).
LISTS = ("services", "taxonomies", "taxonomy_terms", "organizations", "service_at_locations")


def root_path(base: str) -> str:
    """The file of the API's root: ``oruk/index.json``."""
    return f"{base}/index.json"


def page_path(base: str, name: str, number: int) -> str:
    """The file of page ``number`` of the list ``name``: ``oruk/services-page-2.json``."""
    return f"{base}/{_page_name(name, number)}"


def _page_name(name: str, number: int) -> str:
    """A page's file name, which is also its address relative to the other pages' and to
    the list's own (``/oruk/services?page=2``): all are in the API's folder."""
    return f"{name}-page-{number}.json"


def record_path(base: str, name: str, uid: str) -> str:
    """The file of one record of the list ``name``: ``oruk/services/{id}/index.json``."""
    return f"{base}/{name}/{uid}/index.json"


#: The lists of the API, each with pages of its records and a file for each record.
API_LISTS = ("services", "taxonomies", "taxonomy_terms", "organizations", "service_at_locations")
Entry = tuple[dict[str, Any], dict[str, Any]]  # a record as its list shows it, and in full


def api_files(
    services: list[models.Service], vocab: models.Vocabularies, site: models.Settings
) -> dict[str, bytes]:
    """Every file of the API, by its path in the docs folder, with the host's rules that
    serve them at ORUK's addresses (``_redirects``) and their headers (``_headers``)."""
    ns = namespace(site)
    lookup = term_lookup(vocab, ns)
    base = site.api_base
    records = [service_record(s, vocab, ns, lookup, site.site_url) for s in services]
    organisations = {r["organization"]["id"]: r["organization"] for r in records}
    places = [a for r in records for a in r.get("service_at_locations", [])]
    lists: dict[str, list[Entry]] = {  # in API_LISTS' order
        "services": [(r, r) for r in records],
        "taxonomies": _taxonomies(ns, vocab),
        "taxonomy_terms": [(t, t) for terms in lookup.values() for t in terms.values()],
        "organizations": [(o, o) for o in organisations.values()],
        "service_at_locations": [(a, a) for a in places],
    }
    files = {root_path(base): _json(ROOT)}
    assert tuple(lists) == API_LISTS
    for name, entries in lists.items():
        files.update(_pages(base, name, [shown for shown, _ in entries]))
        files.update({record_path(base, name, full["id"]): _json(full) for _, full in entries})
    at = (urlsplit(site.site_url).path if site.site_url else "").rstrip("/") + "/" + base
    files["_redirects"] = redirects(at).encode()
    files["_headers"] = api_headers(at).encode()
    return files


def _taxonomies(ns: UUID, vocab: models.Vocabularies) -> list[Entry]:
    """Each vocabulary as a taxonomy: in the list without its terms (a list holds each
    record's own fields, and an area's vocabulary may hold thousands), in full with them."""
    entries = []
    for name, field in type(vocab).model_fields.items():
        taxonomy = {
            "id": _uid(ns, "taxonomy", name),
            "name": f"local-offer:{name}",
            "description": " ".join((field.description or name).split()),
        }
        terms = [_term(ns, name, term) for term in getattr(vocab, name)]
        entries.append((taxonomy, _known({**taxonomy, "taxonomy_terms": terms})))
    return entries


def _pages(base: str, name: str, items: list[dict[str, Any]]) -> dict[str, bytes]:
    """The list ``name`` as ORUK's page objects, ``FEED_PAGE`` items a file, each with the
    relative addresses of the pages before and after it (``prev``, ``next``: extensions,
    which ORUK allows), so a consumer reaches every page without ``?page=``."""
    chunks = [items[i : i + FEED_PAGE] for i in range(0, len(items), FEED_PAGE)] or [[]]
    files = {}
    for number, chunk in enumerate(chunks, 1):
        page: dict[str, Any] = {
            "total_items": len(items),
            "total_pages": len(chunks),
            "page_number": number,
            "size": len(chunk),  # the items in this page, as ORUK defines it
            "first_page": number == 1,
            "last_page": number == len(chunks),
            "empty": not chunk,
        }
        if number > 1:
            page["prev"] = _page_name(name, number - 1)
        if number < len(chunks):
            page["next"] = _page_name(name, number + 1)
        page["contents"] = chunk
        files[page_path(base, name, number)] = _json(page)
    return files


def _json(document: dict[str, Any]) -> bytes:
    # Compact: the C encoder (indent= falls back to pure Python, 4x slower at scale).
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def redirects(at: str) -> str:
    """The ``_redirects`` rules (Netlify's format, which Cloudflare Pages and GitLab Pages
    also read) that serve the API at ``at`` (``/oruk``) at ORUK's addresses.

    A rule with ``page=:page`` matches the query parameter: Netlify applies it, and hosts
    that match no query parameters skip it, so there ``/services?page=2`` is the first page
    (whose ``next`` leads on). The plain ``/services`` rule comes after it, as the first
    rule that matches is the one applied.
    """
    rules = [
        "# The open data API (Open Referral UK 3.0) at its standard addresses; see README,",
        '# "Open data: the ORUK API". Made by the generator: do not edit.',
        f"{at} {at}/index.json 200",
        f"{at}/ {at}/index.json 200",
    ]
    for name in LISTS:
        rules += [
            f"{at}/{name} page=:page {at}/{name}-page-:page.json 200",
            f"{at}/{name} {at}/{name}-page-1.json 200",
            f"{at}/{name}/:id {at}/{name}/:id/index.json 200",
        ]
    return "\n".join(rules) + "\n"


def built_in(site: models.Settings) -> list[str]:
    """The files of the open data that a page or a file of ``content/`` could take the
    place of: the host's rules, and the API's root (all else is inside its folder, which
    is the API's alone: ``folder_problems``)."""
    return ["_headers", "_redirects", root_path(site.api_base)]


def folder_problems(
    site: models.Settings, entries: list[tuple[str, Callable[[], Problem]]]
) -> list[Problem]:
    """Pages and files that would be at an address inside the API's folder, where the host
    would send them as JSON (``headers.API_HEADERS``) or serve them instead of the API.

    ``entries`` are the site's pages and files with where each comes from (a function
    giving a ``Problem``: worked out only for those reported).
    If the folder holds the site's own (``api_base: services``), the name is wrong: that is
    reported once, at ``api_base``; a file of ``content/`` there is reported at the file.
    """
    base = site.api_base
    ours = set(built_in(site))
    inside = [
        origin()
        for path, origin in entries
        if path not in ours and url_of(path).startswith(base + "/")
    ]
    if base == "pagefind" or any(not o.file.startswith("content/") for o in inside):
        return [
            site.problem(
                "api_base",
                f"'{base}' is a folder of the site's own pages or files; choose another "
                "name for the open data's folder, such as oruk",
            )
        ]
    return [
        Problem(
            o.file,
            o.line,
            o.where,
            f"is inside {base}/, the folder of the open data (api_base in data/site.yaml); "
            "move it, or rename one",
        )
        for o in inside
    ]
