"""Feeds families can subscribe to: the updates as Atom feeds (one for all, one an audience),
the dates as an iCalendar file (and one file an event, for "Add … to your calendar"), and
each service described to search engines as schema.org JSON-LD, text by construction.

The sample (``sample_site``) has no ``site_url``, so its feeds' links are relative to the
feed, which a feed reader resolves against the address it fetched the feed from; a small
project with a ``site_url`` and hostile text checks absolute addresses and escaping.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import urllib.request
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import icalendar
import pytest

from generator.feeds import CALENDAR, UPDATES_FEED, feed_files
from generator.links import _read, broken_links
from generator.markup import refused
from generator.model import SiteModel, build_model
from generator.pipeline import build_site
from generator.search import directory_files
from generator.validate import load_project

from .conftest import ROOT, TODAY, parse, served, write_project

#: Where the tests pretend the sample is published when a feed is read from a file.
BASE = "https://www.example.org/offer/"
HOSTILE = "</script><script>alert(1)</script> & \"quotes\" 'n' {{ x }} ; , \\"
AUDIENCE_FEEDS = "feeds/{}.xml"
#: The words of a link to one event's calendar file, and (hidden but for screen readers)
#: what it is the date of.
ADD_TO_CALENDAR = (
    r"Add the (closing date|opening date|first day|last day|start of this stage)"
    r" to your calendar: .+"
)


@pytest.fixture(scope="module")
def model() -> SiteModel:
    """The sample's records as the built site shows them."""
    return build_model(load_project(ROOT), TODAY)


def read_feed(site: Path, path: str) -> feedparser.FeedParserDict:
    """A feed of the built site as a reader that fetched it from ``BASE`` reads it."""
    headers = {"content-location": BASE + path, "content-type": "application/atom+xml"}
    parsed = feedparser.parse((site / path).read_bytes(), response_headers=headers)
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    return parsed


def page_of(site: Path, address: str) -> Path:
    """The built file of one of the site's own addresses under ``BASE``."""
    assert address.startswith(BASE), address
    path = urlsplit(address).path[len(urlsplit(BASE).path) :]
    file = site / path / "index.html" if not path or path.endswith("/") else site / path
    assert file.is_file(), address
    return file


def events_of(data: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    found = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(found) == len(calendar.walk("VEVENT")), "two events share a UID"
    return found


class Links(HTMLParser):
    """Every ``<a>``'s address and words, every ``<link>`` and every ``<script>`` of a page,
    with its attributes and content."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[str, str]] = []
        self.links: list[dict[str, str]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._anchor: list[str] | None = None
        self._script: tuple[dict[str, str], list[str]] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "a":
            self._anchor = [found.get("href", "")]
        elif tag == "link":
            self.links.append(found)
        elif tag == "script":
            self._script = (found, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._anchor:
            self.anchors.append((self._anchor[0], " ".join("".join(self._anchor[1:]).split())))
            self._anchor = None
        elif tag == "script" and self._script:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._anchor is not None:
            self._anchor.append(data)
        if self._script is not None:
            self._script[1].append(data)


def page(site: Path, path: str) -> Links:
    return Links((site / path).read_text(encoding="utf-8"))


def target(site: Path, html: str, href: str) -> Path:
    """The file a relative link of the page file ``html`` leads to."""
    folder = posixpath.dirname(html)
    resolved = posixpath.normpath(posixpath.join(folder, href))
    file = site / resolved
    return file / "index.html" if href.endswith("/") else file


# --- Atom feeds ------------------------------------------------------------------------------


def test_the_updates_feed_holds_every_update_newest_first_with_its_page_and_date(
    sample_site: Path, model: SiteModel
) -> None:
    feed = read_feed(sample_site, UPDATES_FEED)
    assert len(model.updates) > 1
    assert feed.feed.title.endswith(": updates")
    assert feed.feed.link == BASE + "updates/"
    assert [e.title for e in feed.entries] == [u.title for u in model.updates]
    for entry, update in zip(feed.entries, model.updates, strict=True):
        assert entry.link == f"{BASE}updates/{update.id}/"
        assert parse(page_of(sample_site, entry.link).read_text())["h1"] == [update.title]
        assert entry.summary == update.summary
        assert entry.summary_detail.type == "text/plain"
        assert date(*entry.updated_parsed[:3]) == update.date
        assert entry.id.startswith("urn:uuid:")
    assert len({e.id for e in feed.entries}) == len(feed.entries)
    # no site_url: the links are the feed's own, relative ones, and it names no address
    raw = feedparser.parse((sample_site / UPDATES_FEED).read_bytes())
    assert raw.entries[0].link == f"updates/{model.updates[0].id}/"
    assert not [link for link in raw.feed.links if link.rel == "self"]


def test_each_audience_feed_holds_exactly_the_updates_for_that_audience(
    sample_site: Path, model: SiteModel
) -> None:
    all_ids = {e.id: e for e in read_feed(sample_site, UPDATES_FEED).entries}
    audiences = model.project.vocabularies.audiences
    assert len(audiences) > 1
    sizes = set()
    for audience in audiences:
        feed = read_feed(sample_site, AUDIENCE_FEEDS.format(audience.id))
        mine = [u for u in model.updates if audience.id in u.audiences]
        sizes.add(len(mine))
        assert [e.title for e in feed.entries] == [u.title for u in mine], audience.id
        assert [e.link for e in feed.entries] == [f"{BASE}updates/{u.id}/" for u in mine]
        assert feed.feed.link == f"{BASE}audiences/{audience.id}/"
        for entry in feed.entries:  # the same entry, with the same id, in every feed
            assert all_ids[entry.id].title == entry.title
    assert len(sizes) > 1, "the sample's audiences should not all have the same updates"


def test_the_feed_read_from_the_site_leads_to_each_updates_page(
    sample_site: Path, model: SiteModel
) -> None:
    """What a feed reader does: fetch the feed from where the site is served, and follow
    each entry's link, made absolute against the feed's own address."""
    for base in served(sample_site):
        feed = feedparser.parse(base + AUDIENCE_FEEDS.format("professionals"))
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.entries
        for entry in feed.entries:
            assert entry.link.startswith(base + "updates/")
            with urllib.request.urlopen(entry.link) as answer:
                assert answer.status == 200
                assert parse(answer.read().decode())["h1"] == [entry.title]


def test_every_page_names_the_updates_feed_and_updates_pages_link_to_their_feeds(
    sample_site: Path, model: SiteModel
) -> None:
    for html in sorted(sample_site.rglob("*.html")):
        name = html.relative_to(sample_site).as_posix()
        feeds = [x for x in page(sample_site, name).links if x.get("rel") == "alternate"]
        assert [x["type"] for x in feeds] == ["application/atom+xml"], name
        assert feeds[0]["title"].endswith(": updates"), name
        if name != "404.html":  # served at any depth
            assert target(sample_site, name, feeds[0]["href"]) == sample_site / UPDATES_FEED
    for name in ("updates/index.html", f"updates/{model.updates[0].id}/index.html"):
        offered = [h for h, words in page(sample_site, name).anchors if "feed reader" in words]
        assert [target(sample_site, name, h) for h in offered] == [sample_site / UPDATES_FEED]
    for audience in model.project.vocabularies.audiences:
        if audience.reading == "child":
            continue  # the children's page has no news
        name = f"audiences/{audience.id}/index.html"
        offered = [h for h, words in page(sample_site, name).anchors if "feed reader" in words]
        feed = sample_site / AUDIENCE_FEEDS.format(audience.id)
        assert [target(sample_site, name, h) for h in offered] == [feed]


# --- the calendar ----------------------------------------------------------------------------


def test_the_calendar_holds_each_surveys_opening_and_closing_and_each_stages_start(
    sample_site: Path, model: SiteModel
) -> None:
    events = events_of((sample_site / CALENDAR).read_bytes())
    domain = "essex-southend-and-thurrock-balanced-system-therapies-project"
    expected = {}
    for survey in model.surveys:
        expected[f"opens-{survey.id}@{domain}"] = (survey.opens, survey.title)
        expected[f"closes-{survey.id}@{domain}"] = (survey.closes, survey.title)
    for stage in model.timeline:
        expected[f"stage-{stage.id}@{domain}"] = (stage.start, stage.title)
    assert len(model.surveys) > 1 and len(model.timeline) > 1
    assert set(events) == set(expected)
    stamp = datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=UTC)
    for uid, event in events.items():
        day, title = expected[uid]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is date and start == day, uid  # an all-day date, not a time
        assert type(end) is date and end == day + timedelta(days=1), uid
        assert event.decoded("DTSTAMP") == stamp  # the build's day: reproducible
        assert title in str(event["SUMMARY"]), uid
        assert str(event["DESCRIPTION"]).strip(), uid
        assert "URL" not in event  # no site_url: iCalendar takes only absolute addresses
    survey = model.surveys[0]
    closing = events[f"closes-{survey.id}@{domain}"]
    assert str(closing["SUMMARY"]) == f"Closes: {survey.title}"
    assert survey.summary in str(closing["DESCRIPTION"])
    assert f"Take part: {survey.link}" in str(closing["DESCRIPTION"])


def test_feeds_and_calendars_are_the_same_bytes_from_another_build(sample_site: Path) -> None:
    """Another process (another hash seed), the same data and day: the same bytes."""
    script = (
        "import hashlib, json, sys\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "from generator.pipeline import check\n"
        "pages = check(Path(sys.argv[1]), date.fromisoformat(sys.argv[2])).pages\n"
        "print(json.dumps({k: hashlib.sha256(v).hexdigest() for k, v in pages.items()\n"
        "                  if k.endswith(('.xml', '.ics')) and k != 'sitemap.xml'}))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    made = subprocess.run(
        [sys.executable, "-c", script, str(ROOT), TODAY.isoformat()],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    again = json.loads(made.stdout)
    built = {
        p.relative_to(sample_site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for pattern in ("*.xml", "*.ics", "feeds/*.xml", "calendar/*.ics")
        for p in sample_site.glob(pattern)
        if p.name != "sitemap.xml"
    }
    assert UPDATES_FEED in built and CALENDAR in built and len(built) > 10
    assert again == built


def test_a_check_knows_every_feed_and_filter_file_a_build_makes(model: SiteModel) -> None:
    """A check asks only which feed, calendar and filter files there are (a page's links
    lead into them), not their bytes: the same paths as a build makes, and no bytes."""
    for files in (feed_files, directory_files):
        made, named = files(model), files(model, made=False)
        assert set(named) == set(made) and len(made) > 10
        assert set(named.values()) == {b""} and b"" not in made.values()


def test_each_add_to_calendar_link_leads_to_that_events_own_calendar(
    sample_site: Path, model: SiteModel
) -> None:
    whole = events_of((sample_site / CALENDAR).read_bytes())
    seen = set()
    for name in ("surveys/index.html", "timeline/index.html", "index.html"):
        for href, words in page(sample_site, name).anchors:
            if not href.endswith(".ics"):
                continue
            file = target(sample_site, name, href)
            assert file.is_file(), (name, href)
            if file == sample_site / CALENDAR:
                assert words == "Add every date to your calendar"
                continue
            assert re.fullmatch(ADD_TO_CALENDAR, words), words
            [(uid, event)] = events_of(file.read_bytes()).items()
            assert whole[uid].to_ical() == event.to_ical()  # the same event as the calendar's
            title = words.split(": ", 1)[1]
            assert title.split(", ", 1)[-1] in str(event["SUMMARY"])
            seen.add(uid.split("@")[0])
    open_now = [s for s in model.surveys if s.state == "open"]
    coming = [s for s in model.surveys if s.state == "upcoming"]
    next_stages = [s for s in model.timeline if s.state == "next"]
    assert open_now and coming
    assert {f"closes-{s.id}" for s in open_now} | {f"opens-{s.id}" for s in coming} <= seen
    assert {f"stage-{s.id}" for s in next_stages} <= seen
    for name in ("surveys/index.html", "timeline/index.html"):
        offered = [target(sample_site, name, h) for h, _ in page(sample_site, name).anchors]
        assert offered.count(sample_site / CALENDAR) == 1, name


# --- JSON-LD ---------------------------------------------------------------------------------


def json_ld(site: Path, path: str) -> list[dict[str, object]]:
    """The schema.org descriptions of one built page."""
    found = []
    for attrs, content in page(site, path).scripts:
        if attrs.get("type") == "application/ld+json":
            assert "<" not in content and "&" not in content
            found.append(json.loads(content))
    return found


def test_every_service_page_describes_its_service_in_json_ld(
    sample_site: Path, model: SiteModel
) -> None:
    terms = model.terms
    for service in model.services:
        [data] = json_ld(sample_site, f"services/{service.id}/index.html")
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "GovernmentService"
        assert data["name"] == service.name
        assert data["provider"]["name"] == service.organisation  # type: ignore[index]
        description = str(data["description"])
        assert description and "<" not in description
        assert [a["name"] for a in data["areaServed"]] == [  # type: ignore[attr-defined]
            terms.areas[a].name for a in service.areas
        ]
        assert [a["audienceType"] for a in data["audience"]] == [  # type: ignore[attr-defined]
            terms.audiences[a].name for a in service.audiences
        ]
        channel = data.get("availableChannel")
        contact = data["provider"].get("contactPoint")  # type: ignore[attr-defined]
        if not service.is_running:  # nothing offers to contact a service that is not running
            assert channel is None and contact is None, service.id
            continue
        if service.contact.web:
            assert channel["serviceUrl"] == service.contact.web  # type: ignore[index]
        if service.contact.phone:
            assert channel["servicePhone"]["telephone"] == service.contact.phone  # type: ignore[index]
            assert contact["telephone"] == service.contact.phone  # type: ignore[index]
        if service.contact.email:
            assert contact["email"] == service.contact.email  # type: ignore[index]
    assert [s for s in model.services if not s.is_running], "the sample has a closed service"
    for other in ("index.html", "services/index.html", "updates/index.html", "surveys/index.html"):
        assert json_ld(sample_site, other) == [], other


def test_the_markup_allow_list_takes_json_ld_and_no_other_inline_script(
    sample_site: Path,
) -> None:
    assert broken_links(sample_site) == []
    assert refused("script", [("type", "application/ld+json")]) == []
    ld = '<script type="application/ld+json">{"name": "x"}</script>'
    assert _read(f"<html><head>{ld}</head><body></body></html>").refused == []
    for markup in (
        "<script>alert(1)</script>",
        '<script type="text/plain">alert(1)</script>',
        '<script type="application/ld+json+x">{}</script>',
        '<script type="text/ld+json">{}</script>',
    ):
        assert _read(f"<html><head>{markup}</head><body></body></html>").refused, markup


# --- a site with its address, and hostile text -------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("feeds")
    return build_site(hostile_project(tmp), site_dir=tmp / "site", today=TODAY)


def hostile_project(tmp: Path) -> Path:
    """The minimal project published at an address, with markup typed into a service's
    name and description, an update's title and summary and a survey's title, and its
    one stage still to come."""
    quoted = json.dumps(HOSTILE)
    root = write_project(
        tmp,
        site=(ROOT / "tests/fixtures/minimal/data/site.yaml").read_text()
        + "  site_url: https://www.example.org/offer/\n",
        services=(ROOT / "tests/fixtures/minimal/data/services.yaml")
        .read_text()
        .replace("name: Advice line", f"name: {quoted}")
        .replace(
            "description: A phone line for questions about talking.",
            f"description: {quoted}",
        ),
        updates=(ROOT / "tests/fixtures/minimal/data/updates.yaml")
        .read_text()
        .replace("title: The project has started", f"title: {quoted}")
        .replace("summary: We have started.", f"summary: {quoted}"),
        surveys=(ROOT / "tests/fixtures/minimal/data/surveys.yaml")
        .read_text()
        .replace("title: Spring survey", f"title: {quoted}")
        .replace("opens: 2026-03-01", "opens: 2026-11-01")
        .replace("closes: 2026-04-30", "closes: 2026-12-31"),
        timeline="timeline:\n  - {id: plan, title: Plan, start: 2027-01-04, summary: We plan.}\n",
    )
    shutil.copytree(ROOT / "theme", root / "theme")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


def test_hostile_text_stays_text_inside_the_json_ld(hostile: Path) -> None:
    path = "services/advice-line/index.html"
    [data] = json_ld(hostile, path)
    assert data["name"] == HOSTILE
    assert "<" not in str(data["description"])  # plain text, whatever markdown made of it
    data_types = ("application/json", "application/ld+json")
    assert all(a.get("src") or a.get("type") in data_types for a, _ in page(hostile, path).scripts)
    html = (hostile / path).read_text(encoding="utf-8")
    assert "<script>alert" not in html and "</script><script>" not in html
    assert broken_links(hostile) == []


@pytest.mark.parametrize("builder", ["properdocs", "zensical"])
def test_the_theme_lifts_the_json_ld_into_the_head_with_the_other_builders(
    tmp_path: Path, builder: str
) -> None:
    """The theme reads the description out of the page with Jinja2 (MkDocs, ProperDocs)
    or MiniJinja (Zensical), each its own way: both give the same JSON."""
    site = build_site(
        hostile_project(tmp_path), site_dir=tmp_path / "site", today=TODAY, builder=builder
    )
    [data] = json_ld(site, "services/advice-line/index.html")
    assert data["name"] == HOSTILE
    [other] = json_ld(site, "services/stammering-clinic/index.html")
    assert other["name"] == "Stammering clinic"
    assert other["availableChannel"]["serviceUrl"] == "https://www.example.org/stammering"  # type: ignore[index]
    assert broken_links(site) == []


def test_with_a_site_url_feeds_and_calendars_give_absolute_addresses(hostile: Path) -> None:
    base = "https://www.example.org/offer/"
    feed = feedparser.parse((hostile / UPDATES_FEED).read_bytes())
    assert not feed.bozo
    [entry] = feed.entries
    assert entry.title == HOSTILE and entry.summary == HOSTILE  # text, as typed
    assert entry.link == base + "updates/project-launch/"
    assert [x.href for x in feed.feed.links if x.rel == "self"] == [base + UPDATES_FEED]
    events = events_of((hostile / CALENDAR).read_bytes())
    closing = events["closes-spring-survey@www.example.org/offer"]
    assert str(closing["SUMMARY"]) == f"Closes: {HOSTILE}"
    assert str(closing["URL"]) == base + "surveys/"
    assert str(events["stage-plan@www.example.org/offer"]["URL"]) == base + "timeline/#plan"
    assert events["stage-plan@www.example.org/offer"].decoded("DTSTART") == date(2027, 1, 4)
    listed = set(re.findall(r"<loc>([^<]+)</loc>", (hostile / "sitemap.xml").read_text()))
    assert {base, base + "services/advice-line/", base + "updates/project-launch/"} <= listed
    [(href, words)] = [
        (h, w) for h, w in page(hostile, "surveys/index.html").anchors if "closing date" in w
    ]
    assert words == f"Add the closing date to your calendar: {HOSTILE}"
    assert events_of(target(hostile, "surveys/index.html", href).read_bytes()).keys() == {
        "closes-spring-survey@www.example.org/offer"
    }
    assert urljoin(base + "surveys/", href) == base + "calendar/closes-spring-survey.ics"


def test_a_stage_still_to_come_is_offered_to_the_calendar_on_the_timeline_and_home_page(
    hostile: Path,
) -> None:
    for name in ("timeline/index.html", "index.html"):
        offered = [
            (target(hostile, name, h), words)
            for h, words in page(hostile, name).anchors
            if "start of this stage" in words
        ]
        assert offered == [
            (
                hostile / "calendar" / "stage-plan.ics",
                "Add the start of this stage to your calendar: stage 1, Plan",
            )
        ], name
