"""The open data: every service is a valid Open Referral UK 3.0 record, in pages of 100
(``tests/test_oruk_api.py`` walks the whole API as ORUK's validator does)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from uuid import UUID, uuid5

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from generator.models import Service
from generator.oruk import FEED_PAGE, _uuid5, api_files, namespace, page_path, service_record

from .test_build import SAMPLE

SCHEMA = (
    Path(__file__).resolve().parents[2] / "shared/reference/oruk-3.0/service_with_definitions.json"
)


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    if not SCHEMA.is_file():
        pytest.fail(f"the ORUK 3.0 schema is not at {SCHEMA} (shared/ sits beside the project)")
    return Draft202012Validator(json.loads(SCHEMA.read_text()))


def test_every_sample_service_is_a_valid_oruk_record(validator: Draft202012Validator) -> None:
    for service in SAMPLE.services:
        errors = [
            e.message
            for e in validator.iter_errors(
                service_record(service, SAMPLE.vocabularies, namespace(SAMPLE.site))
            )
        ]
        assert errors == [], service.id


def test_the_feed_carries_what_a_family_needs(sample_site: Path) -> None:
    feed = json.loads((sample_site / "oruk" / "services-page-1.json").read_text())
    assert feed["total_items"] == len(SAMPLE.services) == len(feed["contents"])
    first, record = SAMPLE.services[0], feed["contents"][0]
    by_name = {r["name"]: r for r in feed["contents"]}
    record = by_name[first.name]
    assert record["status"] == first.status
    assert record["assured_date"] == first.last_reviewed.isoformat()
    assert record["organization"]["name"] == first.organisation
    assert record["application_process"] == first.access.referral_route
    terms = {a["taxonomy_term"]["term"] for a in record["attributes"]}
    assert {first.discipline, *first.levels, *first.strands} <= terms
    assert len({r["id"] for r in feed["contents"]}) == len(feed["contents"])


def test_ids_are_stable_between_builds() -> None:
    assert api_files(SAMPLE.services, SAMPLE.vocabularies, SAMPLE.site) == api_files(
        SAMPLE.services, SAMPLE.vocabularies, SAMPLE.site
    )


def test_a_county_feed_is_paged_like_oruks_api() -> None:
    """250 services: three files of at most 100, each saying where it stands and where
    the pages before and after it are."""
    many = [s.model_copy(update={"id": f"{s.id}-{n}"}) for n in range(10) for s in SAMPLE.services]
    files = api_files(many, SAMPLE.vocabularies, SAMPLE.site)
    pages = [p for p in files if p.startswith("oruk/services-page-")]
    assert pages == [page_path("oruk", "services", n) for n in (1, 2, 3)]
    assert page_path("oruk", "services", 3) == "oruk/services-page-3.json"
    read = [json.loads(files[page]) for page in pages]
    assert [len(p["contents"]) for p in read] == [FEED_PAGE, FEED_PAGE, 50]
    assert [p["size"] for p in read] == [FEED_PAGE, FEED_PAGE, 50]  # the items in the page
    assert [(p["page_number"], p["first_page"], p["last_page"]) for p in read] == [
        (1, True, False),
        (2, False, False),
        (3, False, True),
    ]
    assert [(p.get("prev"), p.get("next")) for p in read] == [
        (None, "services-page-2.json"),
        ("services-page-1.json", "services-page-3.json"),
        ("services-page-2.json", None),
    ]
    assert {(p["total_items"], p["total_pages"]) for p in read} == {(250, 3)}
    ids = [r["id"] for p in read for r in p["contents"]]
    assert len(set(ids)) == 250
    assert all(f"oruk/services/{i}/index.json" in files for i in ids)


def test_two_areas_with_the_same_service_ids_get_different_uuids() -> None:
    other = SAMPLE.site.model_copy(update={"name": "Another area's programme"})
    ids = [
        {
            r["id"]
            for r in json.loads(
                api_files(SAMPLE.services, SAMPLE.vocabularies, site)[
                    page_path("oruk", "services", 1)
                ]
            )["contents"]
        }
        for site in (SAMPLE.site, other)
    ]
    assert ids[0].isdisjoint(ids[1])


@given(ns=st.uuids(), name=st.text())
def test_ids_are_the_standard_libraries_uuid5(ns: UUID, name: str) -> None:
    assert _uuid5(ns, name) == str(uuid5(ns, name))


HOSTILE = """<script>alert(1)</script>

Help with **bold** steps: [click me](javascript:alert(1)) &amp; more.

- first *step*
- second step

Read [the guide](https://example.org/guide?a=1&b=2), [email us](mailto:team@example.org),
see [the directory](services/index.md#top) or [a blob](data:text/html,hi).

<img src=x onerror=alert(2)>"""


def _with_description(text: str) -> Service:
    first = SAMPLE.services[0]
    return Service.model_validate({**first.model_dump(), "description": text})


def test_the_feed_carries_the_description_as_plain_text(
    validator: Draft202012Validator,
) -> None:
    service = _with_description(HOSTILE)
    site = SAMPLE.site.model_copy(update={"site_url": None})
    first = page_path("oruk", "services", 1)
    [record] = json.loads(api_files([service], SAMPLE.vocabularies, site)[first])["contents"]
    text = record["description"]
    for markup in ("<", ">", "javascript:", "data:", "**", "alert", "](", "- first", "&amp;"):
        assert markup not in text, markup
    assert text == (
        "Help with bold steps: click me & more.\n\n"
        "first step\nsecond step\n\n"
        "Read the guide (https://example.org/guide?a=1&b=2), "
        "email us (mailto:team@example.org), see the directory or a blob."
    )
    assert list(validator.iter_errors(record)) == []


def test_a_link_to_a_page_of_the_site_gets_its_address_when_the_site_has_one(
    validator: Draft202012Validator,
) -> None:
    service = _with_description("See [the directory](services/index.md#top).")
    site = SAMPLE.site.model_copy(update={"site_url": "https://example.org/offer/"})
    record = service_record(service, SAMPLE.vocabularies, namespace(site), None, site.site_url)
    assert record["description"] == "See the directory (https://example.org/offer/services/#top)."
    bare = service_record(service, SAMPLE.vocabularies, namespace(site))
    assert bare["description"] == "See the directory."
    assert list(validator.iter_errors(record)) == []


def test_every_sample_description_in_the_feed_is_the_text_its_page_shows(
    sample_site: Path,
) -> None:
    feed = json.loads((sample_site / "oruk" / "services-page-1.json").read_text())
    by_name = {r["name"]: r["description"] for r in feed["contents"]}
    for service in SAMPLE.services:
        page = (sample_site / "services" / service.id / "index.html").read_text()
        reader = _Words(convert_charrefs=True)
        reader.feed(page[page.index('<div class="lo-body"') :])
        shown = " ".join(" ".join(reader.words).split())
        for line in by_name[service.name].split("\n"):
            assert line in shown, (service.id, line)


class _Words(HTMLParser):
    """The text of a page, as a person reads it."""

    words: list[str]

    def reset(self) -> None:
        super().reset()
        self.words = []

    def handle_data(self, data: str) -> None:
        self.words.append(data)
