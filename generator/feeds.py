"""Feeds families can subscribe to: the updates as Atom feeds, and the dates as a calendar.

- ``updates.xml``: every update, newest first (feedgen); ``feeds/<audience>.xml``: the
  updates whose ``audiences`` include that audience, one feed an audience (each audience's
  page links to its own).
- ``calendar.ics``: every date a family may want in a calendar (icalendar): the day each
  survey, consultation or event opens and the day it closes, and the day each stage of
  the timeline starts, each an all-day event. ``calendar/<event>.ics`` holds one of them,
  for a page's "Add … to your calendar" link (``event_file``).

Text stays text: titles and summaries go in as the plain text typed, through feedgen's
XML writer and icalendar's escaping, never as markup. Everything is made from the data
and the day the site is built for (``SiteModel.today``), so two builds of the same data
on the same day are the same bytes: entries are dated by their records, a calendar's
``DTSTAMP`` is the build's day at midnight UTC (the day ``SOURCE_DATE_EPOCH`` gives the
builder), and no clock is read.

Addresses. With ``site.site_url``, every link is absolute and each feed names its own
address (``rel="self"``). Without it the files are still written, with links relative to
the feed's own address, which a feed reader resolves against the address it fetched the
feed from (RFC 4287 and RFC 3986; feedparser does); a calendar event then has no
``URL`` (iCalendar allows only absolute ones), and its description still names where to
take part. Ids do not depend on which file holds them: an entry's is a ``urn:uuid:``
made from the update's id in the site's namespace (``oruk.namespace``, the open data's:
its address, or failing that its name), the same in every feed; an event's ``UID`` is
``<event>@<the site's host and path>`` (or the site's name, as a slug), the same in
``calendar.ics`` and in the event's own file. Both stay the same from build to build
while the site's address (or name) does.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from urllib.parse import urlsplit
from uuid import uuid5

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]
from icalendar import Calendar, Event, vDuration  # type: ignore[import-untyped]

from . import kinds, models, oruk
from .model import ShownService, SiteModel, long_date
from .oruk import namespace
from .routes import AUDIENCE_PAGE
from .sanitise import url_of

#: The feed of every update, beside the home page.
UPDATES_FEED = "updates.xml"
#: The feed of one audience's updates.
AUDIENCE_FEED = "feeds/{id}.xml"
#: The calendar of every date, to subscribe to or open once.
CALENDAR = "calendar.ics"
#: One event's calendar: ``event_file("closes-spring-survey")``.
EVENT_FILE = "calendar/{key}.ics"
#: What the feeds and calendars call the program that made them.
GENERATOR = "Local Offer generator"


def feed_files(site: SiteModel, *, made: bool = True) -> dict[str, bytes]:
    """Every feed and calendar file, by its path in the site; with ``made`` False (a check,
    which asks only what files there are, for the links into them), each with no bytes."""
    settings = site.settings
    listing = _listing("update")
    feeds = {UPDATES_FEED: partial(atom, site, site.updates, UPDATES_FEED, listing, "updates")}
    for audience in site.project.vocabularies.audiences:
        path = AUDIENCE_FEED.format(id=audience.id)
        mine = [u for u in site.updates if audience.id in u.audiences]
        who = audience.name[:1].lower() + audience.name[1:]
        page = AUDIENCE_PAGE.format(id=audience.id)
        feeds[path] = partial(atom, site, mine, path, page, f"updates for {who}")
    events = calendar_events(site)
    if events:
        feeds[CALENDAR] = partial(calendar, settings, site.today, events, whole=True)
        for event in events:
            feeds[event_file(event.key)] = partial(calendar, settings, site.today, [event])
    return {path: make() if made else b"" for path, make in feeds.items()}


def event_file(key: str) -> str:
    """The path of the calendar file of the one event ``key``."""
    return EVENT_FILE.format(key=key)


def _listing(name: str) -> str:
    """The docs path of the page that lists the records of the kind ``name``."""
    listing = kinds.kind(name).listing
    assert listing is not None
    return listing[0]


# --- Atom ------------------------------------------------------------------------------------


def atom(site: SiteModel, updates: list[models.Update], path: str, page: str, about: str) -> bytes:
    """The Atom feed ``path`` of ``updates`` (newest first), whose web page is ``page``."""
    settings = site.settings
    ns = namespace(settings)
    feed = FeedGenerator()
    feed.id(f"urn:uuid:{uuid5(ns, path)}")
    feed.title(f"{settings.short_name}: {about}")
    feed.author({"name": settings.name})
    feed.language("en-GB")
    feed.generator(GENERATOR)
    feed.link(href=address(settings, page, path), rel="alternate", type="text/html")
    if settings.site_url:
        feed.link(href=address(settings, path, path), rel="self", type="application/atom+xml")
    newest = max((u.date for u in updates), default=site.today)
    feed.updated(_midnight(newest))
    page_of = kinds.kind("update").page
    assert page_of is not None
    for update in updates:
        entry = feed.add_entry(order="append")
        entry.id(f"urn:uuid:{uuid5(ns, 'updates/' + update.id)}")
        entry.title(update.title)
        entry.summary(update.summary)
        when = _midnight(update.date)
        entry.published(when)
        entry.updated(when)
        page = page_of.format(id=update.id)
        entry.link(href=address(settings, page, path), rel="alternate", type="text/html")
        for audience in update.audiences:
            entry.category(term=audience, label=site.terms.audiences[audience].name)
    made: bytes = feed.atom_str(pretty=True)
    return made


def address(settings: models.Settings, target: str, here: str) -> str:
    """The address of the docs file ``target`` as the file ``here`` links to it: absolute
    with ``site_url``, else relative to ``here``'s own address."""
    there = url_of(target)
    if settings.site_url:
        return settings.site_url.rstrip("/") + "/" + there
    rel = posixpath.relpath(there.rstrip("/") or ".", posixpath.dirname(here) or ".")
    if not there or there.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


# --- iCalendar -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatedEvent:
    """One all-day event of the calendar, from one date of a record."""

    key: str  # ``closes-<survey id>``: the UID's first part and the event's file name
    summary: str
    description: str
    day: date
    page: str  # the docs path (and ``#section``) of the page that tells of it


def calendar_events(site: SiteModel) -> list[DatedEvent]:
    """The dated events of the data, in date order: each survey's, consultation's and
    event's opening and closing day, and each stage's first day.

    A key is a word for the kind of date (``opens``, ``closes``, ``stage``), a hyphen and
    the record's id: keys of two kinds of date differ in their first word, and ids are
    unique within their kind, so no two keys are the same."""
    found = []
    surveys, timeline = _listing("survey"), _listing("stage")
    for survey in site.surveys:
        what = f"The {survey.kind} “{survey.title}”"
        told = [
            f"{what} is open from {long_date(survey.opens)} to {long_date(survey.closes)}.",
            survey.summary,
            f"Take part: {survey.link}",
        ]
        if survey.other_ways:
            told.append(survey.other_ways)
        about = "\n\n".join(told)
        for word, day in (("opens", survey.opens), ("closes", survey.closes)):
            summary = f"{'Opens' if word == 'opens' else 'Closes'}: {survey.title}"
            found.append(DatedEvent(f"{word}-{survey.id}", summary, about, day, surveys))
    for stage in site.timeline:
        summary = f"Stage {stage.number} starts: {stage.title}"
        page = f"{timeline}#{stage.id}"
        found.append(DatedEvent(f"stage-{stage.id}", summary, stage.summary, stage.start, page))
    found.sort(key=lambda e: (e.day, e.key))
    return found


def calendar(
    settings: models.Settings, today: date, events: list[DatedEvent], *, whole: bool = False
) -> bytes:
    """An iCalendar file of ``events``; ``whole`` for the calendar people subscribe to
    (its name, and how often a calendar app should look for changes)."""
    cal = Calendar()
    cal.add("prodid", f"-//{GENERATOR}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if whole:
        cal.add("x-wr-calname", f"{settings.short_name}: dates")
        cal.add("name", f"{settings.short_name}: dates")
        daily = vDuration(timedelta(days=1))  # "P1D"
        cal.add("refresh-interval", daily, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", daily)
    stamp = _midnight(today)
    domain = _domain(settings)
    for item in events:
        event = Event()
        event.add("uid", f"{item.key}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))  # the day after: all-day, RFC 5545
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("transp", "TRANSPARENT")  # a date to remember: it leaves the day free
        if settings.site_url:
            page, mark, section = item.page.partition("#")
            event.add("url", address(settings, page, "") + mark + section)
        cal.add_component(event)
    made: bytes = cal.to_ical()
    return made


def _domain(settings: models.Settings) -> str:
    """The right-hand side of every ``UID`` of the site: its host and path
    (``example.org/offer``), so two areas on one host differ; else its name, as a slug."""
    if settings.site_url:
        parts = urlsplit(settings.site_url)
        return (parts.hostname or "") + parts.path.rstrip("/")
    return re.sub(r"[^a-z0-9]+", "-", settings.name.lower()).strip("-") or "local-offer"


def service_ld(service: ShownService, site: SiteModel) -> dict[str, object]:
    """What search engines and other directories read about a service: schema.org's
    ``GovernmentService``, as JSON-LD. ``render._page`` puts it in the page's front matter
    and the theme prints it in the head with ``tojson``, which writes ``<``, ``>``, ``&``
    and ``'`` as ``\\u`` escapes, so no text can end the script. Every value is plain
    text (the description's words, not its markup); how to contact the service only
    while it is running."""
    terms = site.terms
    words = service.description
    html = words.html if isinstance(words, models.Prose) else str(words)
    provider: dict[str, object] = {"@type": "Organization", "name": service.organisation}
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": service.name,
        "description": oruk.plain_text(html, site.settings.site_url),
        "serviceType": terms.disciplines[service.discipline].name,
        "provider": provider,
        "areaServed": [
            {"@type": "AdministrativeArea", "name": terms.areas[a].name} for a in service.areas
        ],
        "audience": [
            {"@type": "Audience", "audienceType": terms.audiences[a].name}
            for a in service.audiences
        ],
    }
    if service.is_running:
        contact = service.contact
        point = {k: v for k, v in (("telephone", contact.phone), ("email", contact.email)) if v}
        if point:
            provider["contactPoint"] = {"@type": "ContactPoint", **point}
        channel: dict[str, object] = {}
        if contact.web:
            channel["serviceUrl"] = contact.web
        if contact.phone:
            channel["servicePhone"] = {"@type": "ContactPoint", "telephone": contact.phone}
        if channel:
            data["availableChannel"] = {"@type": "ServiceChannel", **channel}
    return data
