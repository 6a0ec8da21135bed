"""Services as Open Referral UK 3.0 records: the open data feed ``open-data/services.json``
and the pages after it, 100 services a page (``feed_page``).

ORUK (the UK profile of HSDS) is what councils' family-information directories exchange.
Publishing the offer in it lets other directories reuse the records instead of retyping
them. Ids are UUIDs, as ORUK asks, derived from our ids so they stay the same between
builds. Fields ORUK has no name for (how to get the service) use HSDS 3.0's names, which
ORUK allows as extensions. Vocabulary terms become ``attributes`` with taxonomy terms.

Open data carries plain text, what a person reads on the page, never markup: a markdown
field (the description) goes in as the text of its cleaned HTML (``plain_text``), so a
consumer that renders the feed as markdown or HTML shows no script or unsafe link.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit
from uuid import NAMESPACE_URL, UUID, uuid5

from . import models
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


Lookup = dict[str, dict[str, models.Term]]


def term_lookup(vocab: models.Vocabularies) -> Lookup:
    """Every vocabulary's terms by id, made once for the whole feed."""
    return vocab.by_id()


def service_record(
    service: models.Service,
    vocab: models.Vocabularies,
    ns: UUID,
    lookup: Lookup | None = None,
    site_url: str | None = None,
) -> dict[str, Any]:
    """One service in ORUK 3.0 shape; links to the site's pages are made absolute with
    ``site_url``, when it is known."""
    terms = lookup or term_lookup(vocab)
    sid = _uid(ns, "service", service.id)
    org = _uid(ns, "organisation", service.organisation)

    def term(vocabulary: str, term_id: str) -> dict[str, Any]:
        found = terms[vocabulary][term_id]
        tid = _uid(ns, "term", vocabulary, term_id)
        return {
            "id": _uid(ns, "attribute", service.id, vocabulary, term_id),
            "link_id": sid,
            "link_type": "service",
            "taxonomy_term_id": tid,
            "taxonomy_term": {
                "id": tid,
                "name": found.name,
                "description": found.description or found.name,
                "taxonomy": f"local-offer:{vocabulary}",
                "term": term_id,
            },
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
                "name": terms["areas"][a].name,
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


#: Services in one page of the feed: a consumer fetches page after page, as from ORUK's API,
#: and no file grows without bound (at 5,000 services one file would be over 50 MB).
FEED_PAGE = 100


def feed_page(number: int) -> str:
    """The path of page ``number`` of the feed: ``open-data/services.json`` is the first,
    as ORUK's ``/services`` is; then ``open-data/services-page-2.json`` and so on."""
    return "open-data/services.json" if number == 1 else f"open-data/services-page-{number}.json"


def services_feed(
    services: list[models.Service], vocab: models.Vocabularies, site: models.Settings
) -> dict[str, bytes]:
    """All services as ORUK's paginated service list: each page a file, by its path."""
    lookup = term_lookup(vocab)
    ns = namespace(site)
    chunks = [services[i : i + FEED_PAGE] for i in range(0, len(services), FEED_PAGE)] or [[]]
    pages = {}
    for number, chunk in enumerate(chunks, 1):
        page = {
            "total_items": len(services),
            "total_pages": len(chunks),
            "page_number": number,
            "size": FEED_PAGE,
            "first_page": number == 1,
            "last_page": number == len(chunks),
            "empty": not chunk,
            "contents": [service_record(s, vocab, ns, lookup, site.site_url) for s in chunk],
        }
        # Compact: the C encoder (indent= falls back to pure Python, 4x slower at scale).
        text = json.dumps(page, ensure_ascii=False, separators=(",", ":"))
        pages[feed_page(number)] = (text + "\n").encode()
    return pages
