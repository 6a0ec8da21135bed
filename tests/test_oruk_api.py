"""The open data as a static Open Referral UK 3.0 API, walked as the ORUK validator walks it.

The validator (tpximpact/OpenReferralApi, profile HSDS-UK-3.0) reads the root's ``version``,
asks ``/services?page=1``, ``?page=total_pages/2`` and ``?page=total_pages``, fetches
``/services/{id}`` for ids of the first page, and does the same for the optional lists.
Here the built site is served by a small host that applies its ``_redirects`` and
``_headers`` as Netlify does (query parameters too), and every document the walk fetches
is checked against the standard's JSON Schema. Then the same site is served as Cloudflare
Pages serves it (rules before files, no query parameters) and by a plain static host (no
rules, no headers, like GitHub Pages), where a consumer follows each page's ``next``.
"""

from __future__ import annotations

import http.server
import json
import mimetypes
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.error import HTTPError
from urllib.parse import parse_qs, unquote, urljoin, urlsplit
from urllib.request import urlopen

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from generator import oruk
from generator.errors import DataError
from generator.headers import api_headers, read_header_rules, read_headers, write_headers
from generator.pipeline import check

from .conftest import COUNTY_SERVICES, TODAY, copy_project, listening, serve
from .test_build import SAMPLE

SCHEMA = (
    Path(__file__).resolve().parents[2] / "shared/reference/oruk-3.0/service_with_definitions.json"
)

#: The definition each list's records are checked against (the services: the whole schema).
DEFINITIONS = {
    "services": None,
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
    "organizations": "organization",
    "service_at_locations": "service_at_location",
}

#: The root's schema (the validator's ``V3.0-UK/api_details.json``).
API_DETAILS = {
    "type": "object",
    "properties": {
        "version": {"type": "string"},
        "profile": {"type": "string", "format": "uri"},
        "openapi_url": {"type": "string", "format": "uri"},
    },
    "required": ["version", "profile", "openapi_url"],
}

#: A page object, as in the standard's ``service_list.json`` and its OpenAPI ``Page``.
PAGE = {
    "type": "object",
    "properties": {
        **{k: {"type": "integer"} for k in ("total_items", "total_pages", "page_number", "size")},
        **{k: {"type": "boolean"} for k in ("first_page", "last_page", "empty")},
        "next": {"type": "string"},
        "prev": {"type": "string"},
        "contents": {"type": "array", "items": {"type": "object", "required": ["id"]}},
    },
    "required": [
        *("total_items", "total_pages", "page_number", "size"),
        *("first_page", "last_page", "empty", "contents"),
    ],
}


def _formats() -> FormatChecker:
    """The formats the validator checks (it requires format validation): the standard
    library's uuid, email and date, and uri and date-time, which need extra packages."""
    formats = FormatChecker(["uuid", "email", "date"])

    @formats.checks("uri")
    def _uri(value: object) -> bool:
        parts = urlsplit(str(value))
        return bool(parts.scheme and parts.netloc) and " " not in str(value)

    @formats.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        return bool(datetime.fromisoformat(str(value)))

    return formats


@pytest.fixture(scope="module")
def schemas() -> dict[str, Draft202012Validator]:
    """A validator for the root, page objects and each list's records."""
    if not SCHEMA.is_file():
        pytest.fail(f"the ORUK 3.0 schema is not at {SCHEMA} (shared/ sits beside the project)")
    full = json.loads(SCHEMA.read_text())
    formats = _formats()
    found = {"root": Draft202012Validator(API_DETAILS, format_checker=formats)}
    found["page"] = Draft202012Validator(PAGE)
    for name, definition in DEFINITIONS.items():
        entity = {"definitions": full["definitions"], "$ref": f"#/definitions/{definition}"}
        found[name] = Draft202012Validator(entity if definition else full, format_checker=formats)
    return found


def errors(validator: Draft202012Validator, document: object) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


# --- hosts ---------------------------------------------------------------------------------


def _pattern(source: str) -> re.Pattern[str]:
    """A path of ``_redirects`` or ``_headers`` as a regular expression: ``:name`` is one
    segment of the path, ``*`` (a splat) anything."""
    parts = re.split(r"(:[A-Za-z_]\w*|\*)", source)
    regex = "".join(
        "(?P<splat>.*)"
        if p == "*"
        else f"(?P<{p[1:]}>[^/]+)"
        if p.startswith(":")
        else re.escape(p)
        for p in parts
    )
    return re.compile(f"^{regex}$")


def read_redirects(site: Path) -> list[tuple[re.Pattern[str], dict[str, str], str, int]]:
    """The rules of ``site/_redirects``: a path, the query parameters it needs (``page``:
    the placeholder its value fills), where it leads and with which status."""
    rules = []
    for line in (site / "_redirects").read_text(encoding="utf-8").splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        query = {}
        rest = words[1:]
        while rest and "=" in rest[0] and not rest[0].startswith("/"):
            key, _, value = rest.pop(0).partition("=")
            query[key] = value.lstrip(":")
        status = int(rest[1]) if len(rest) > 1 else 301
        rules.append((_pattern(words[0]), query, rest[0], status))
    return rules


class RulesHost(http.server.BaseHTTPRequestHandler):
    """A static host that reads the site's ``_redirects`` and ``_headers``.

    As Netlify (``files_first``, ``query``): a file at the address is served as it is,
    then the first rule that matches (query parameters included) is applied. As Cloudflare
    Pages: rules are applied before files, and a rule with query parameters is no rule
    (its line does not have Cloudflare's shape, so Cloudflare skips it).
    """

    site: ClassVar[Path]
    files_first: ClassVar[bool] = True
    query: ClassVar[bool] = True
    rules: ClassVar[list[tuple[re.Pattern[str], dict[str, str], str, int]]] = []
    header_rules: ClassVar[list[tuple[re.Pattern[str], dict[str, str]]]] = []

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        target = self._file(path) if self.files_first else None
        target = target or self._rewrite(path, parse_qs(url.query))
        if target is None and not self.files_first:
            target = self._file(path)
        body = target.read_bytes() if target else b"Not found\n"
        self.send_response(200 if target else 404)
        headers = {"Content-Type": mimetypes.guess_type(target.name)[0] if target else "text/plain"}
        for pattern, values in self.header_rules:
            if pattern.match(path):
                headers.update(values)
        headers["Content-Length"] = str(len(body))
        for name, value in headers.items():
            self.send_header(name, value or "application/octet-stream")
        self.end_headers()
        self.wfile.write(body)

    def _file(self, path: str) -> Path | None:
        """The file at ``path``, or the page of the folder there (as hosts serve a folder's
        ``index.html``); a folder without one is no file."""
        found = (self.site / path.lstrip("/")).resolve()
        if not found.is_relative_to(self.site):
            return None
        if found.is_dir():
            found = found / "index.html"
        return found if found.is_file() else None

    def _rewrite(self, path: str, query: dict[str, list[str]]) -> Path | None:
        for pattern, needs, destination, status in self.rules:
            if needs and not self.query:
                continue  # not a rule for this host
            match = pattern.match(path)
            if not match or any(key not in query for key in needs):
                continue
            values = {**match.groupdict(), **{v: query[k][0] for k, v in needs.items()}}
            for name, value in sorted(values.items(), key=lambda kv: -len(kv[0])):
                destination = destination.replace(f":{name}", value)
            assert status == 200, "the API's rules are rewrites, never redirects"
            return self._file(destination)
        return None

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def hosted(site: Path, *, cloudflare: bool = False) -> Iterator[str]:
    """The base URL (ending in /) of ``site`` on a ``RulesHost``: as Netlify serves it, or
    as Cloudflare Pages does."""
    host = type(
        "Host",
        (RulesHost,),
        {
            "site": site.resolve(),
            "files_first": not cloudflare,
            "query": not cloudflare,
            "rules": read_redirects(site),
            "header_rules": [(_pattern(p), h) for p, h in read_header_rules(site)],
        },
    )
    with listening(host) as url:
        yield f"{url}/"


@contextmanager
def plain(site: Path) -> Iterator[str]:
    """``site`` on a host that reads no rules and sends no headers of the site's."""
    url, server = serve(site, {})
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


class Fetched:
    def __init__(self, url: str, status: int, headers: dict[str, str], body: bytes) -> None:
        self.url, self.status, self.headers, self.body = url, status, headers, body

    def json(self) -> Any:
        return json.loads(self.body)


def get(url: str) -> Fetched:
    try:
        with urlopen(url) as response:
            return Fetched(url, response.status, dict(response.headers), response.read())
    except HTTPError as error:
        return Fetched(url, error.code, dict(error.headers), error.read())


def api_get(url: str) -> Any:
    """A document of the API, which every host with rules sends as JSON that any site may read."""
    fetched = get(url)
    assert fetched.status == 200, url
    assert fetched.headers.get("Access-Control-Allow-Origin") == "*", url
    assert fetched.headers.get("Content-Type", "").startswith("application/json"), url
    return fetched.json()


# --- the walks -----------------------------------------------------------------------------


def check_page(page: dict[str, Any], schemas: dict[str, Draft202012Validator], number: int) -> None:
    """A page object says where it stands, and its flags agree with its contents."""
    assert errors(schemas["page"], page) == []
    total = page["total_pages"]
    assert page["page_number"] == number
    assert page["size"] == len(page["contents"])  # ORUK: the items in this page
    assert page["first_page"] == (number == 1)
    assert page["last_page"] == (number == total)
    assert page["empty"] == (not page["contents"])
    assert ("prev" in page) == (number > 1) and ("next" in page) == (number < total)
    assert None not in page.values()


def walk_as_the_validator(base: str, schemas: dict[str, Draft202012Validator]) -> dict[str, int]:
    """Walk the API at ``base`` (no trailing /) as the validator does; every document is
    checked. Returns each list's ``total_items``."""
    for root in (base, base + "/"):
        details = api_get(root)
        assert errors(schemas["root"], details) == []
        assert details["version"] == "HSDS-UK-3.0"  # so the 3.0 rules are the ones applied
    totals = {}
    for name in oruk.LISTS:
        first = api_get(f"{base}/{name}")
        check_page(first, schemas, 1)
        total = first["total_pages"]
        for number in sorted({1, total // 2, total} - {0}):
            page = api_get(f"{base}/{name}?page={number}")
            check_page(page, schemas, number)
            assert page["total_items"] == first["total_items"]
            for item in page["contents"]:
                assert errors(schemas[name], item) == [], (name, number, item["id"])
        ids = [item["id"] for item in first["contents"]][: 10 if name == "services" else 1]
        assert ids or name == "service_at_locations"
        for uid in ids:
            record = api_get(f"{base}/{name}/{uid}")
            assert record["id"] == uid
            assert errors(schemas[name], record) == [], (name, uid)
        assert get(f"{base}/{name}/no-such-id").status == 404
        totals[name] = first["total_items"]
    return totals


def follow_next(url: str, *, rules: bool) -> list[dict[str, Any]]:
    """Every page of a list, from the page at ``url`` on, by each page's ``next`` address."""
    pages: list[dict[str, Any]] = []
    while True:
        page = api_get(url) if rules else get(url).json()
        pages.append(page)
        if "next" not in page:
            return pages
        assert urljoin(url, page["next"]) != url
        url = urljoin(url, page["next"])


def every_service(pages: list[dict[str, Any]]) -> list[str]:
    numbers = [p["page_number"] for p in pages]
    assert numbers == list(range(1, pages[0]["total_pages"] + 1))
    ids = [item["id"] for page in pages for item in page["contents"]]
    assert len(ids) == len(set(ids)) == pages[0]["total_items"]
    return ids


@pytest.fixture(params=["sample", "county"])
def built(request: pytest.FixtureRequest) -> tuple[Path, int]:
    """A built site and how many services it has: the sample's, and a county's 5,000."""
    if request.param == "sample":
        return request.getfixturevalue("sample_site"), len(SAMPLE.services)
    return request.getfixturevalue("county_site"), COUNTY_SERVICES


def test_the_validator_walks_the_api_where_the_host_reads_its_rules(
    built: tuple[Path, int], schemas: dict[str, Draft202012Validator]
) -> None:
    site, services = built
    with hosted(site) as url:
        totals = walk_as_the_validator(url + "oruk", schemas)
    assert totals["services"] == services
    assert totals["taxonomies"] == len(type(SAMPLE.vocabularies).model_fields)
    assert min(totals.values()) > 0


def test_a_consumer_reaches_every_service_by_next_where_the_host_reads_no_query(
    built: tuple[Path, int],
) -> None:
    """Cloudflare Pages: ``?page=2`` is the first page, whose ``next`` leads on; its rules,
    applied before files, never catch a file's own address."""
    site, services = built
    with hosted(site, cloudflare=True) as url:
        assert api_get(url + "oruk/services?page=2")["page_number"] == 1
        pages = follow_next(url + "oruk/services?page=2", rules=True)
        ids = every_service(pages)
        assert len(ids) == services
        assert api_get(f"{url}oruk/services/{ids[-1]}")["id"] == ids[-1]
        assert api_get(f"{url}oruk/services/{ids[-1]}/index.json")["id"] == ids[-1]
        if len(pages) > 1:
            second = url + "oruk/" + pages[0]["next"]
            assert api_get(second)["page_number"] == 2


def test_a_consumer_reaches_every_service_by_next_on_a_host_without_rules(
    built: tuple[Path, int],
) -> None:
    """GitHub Pages: the files at their own addresses, from the first page to the last."""
    site, services = built
    with plain(site) as url:
        root = get(url + "oruk/index.json")
        assert root.json()["version"] == "HSDS-UK-3.0"
        assert "Access-Control-Allow-Origin" not in root.headers  # the host's to send, or not
        pages = follow_next(url + "oruk/services-page-1.json", rules=False)
        ids = every_service(pages)
        assert len(ids) == services
        for page in pages[1:]:
            assert page["prev"] == f"services-page-{page['page_number'] - 1}.json"
        record = get(f"{url}oruk/services/{ids[0]}/index.json")
        assert record.json() == pages[0]["contents"][0]


# --- what the build writes -----------------------------------------------------------------


def test_every_record_of_every_list_is_valid_and_linked(
    schemas: dict[str, Draft202012Validator],
) -> None:
    """The sample's whole API: each record valid, in its list and at its own address, and
    every id it gives (a taxonomy, a term, an organisation) is a record of the API."""
    files = oruk.api_files(SAMPLE.services, SAMPLE.vocabularies, SAMPLE.site)
    found: dict[str, dict[str, Any]] = {}
    for name in oruk.LISTS:
        listed = json.loads(files[oruk.page_path("oruk", name, 1)])["contents"]
        for item in listed:
            record = json.loads(files[oruk.record_path("oruk", name, item["id"])])
            assert errors(schemas[name], record) == [], (name, item["id"])
            assert {k: v for k, v in record.items() if k in item} == item
            found[item["id"]] = record
    assert len(found) == sum(
        json.loads(files[oruk.page_path("oruk", n, 1)])["total_items"] for n in oruk.LISTS
    )
    for service in (json.loads(files[oruk.page_path("oruk", "services", 1)]))["contents"]:
        assert found[service["organization_id"]] == service["organization"]
        for attribute in service["attributes"]:
            term = attribute["taxonomy_term"]
            assert found[term["id"]] == term
            assert term["id"] in {t["id"] for t in found[term["taxonomy_id"]]["taxonomy_terms"]}
        for place in service.get("service_at_locations", []):
            assert found[place["id"]] == place


def test_the_rules_and_headers_name_every_address_of_the_api() -> None:
    site = SAMPLE.site.model_copy(update={"site_url": "https://example.org/offer/"})
    files = oruk.api_files(SAMPLE.services[:3], SAMPLE.vocabularies, site)
    rules = files["_redirects"].decode().splitlines()
    assert "/offer/oruk /offer/oruk/index.json 200" in rules
    assert "/offer/oruk/services page=:page /offer/oruk/services-page-:page.json 200" in rules
    assert rules.index(
        "/offer/oruk/services page=:page /offer/oruk/services-page-:page.json 200"
    ) < (rules.index("/offer/oruk/services /offer/oruk/services-page-1.json 200"))
    for name in oruk.LISTS:
        assert f"/offer/oruk/{name}/:id /offer/oruk/{name}/:id/index.json 200" in rules
    assert files["_headers"].decode() == (
        "/offer/oruk\n  Access-Control-Allow-Origin: *\n  Content-Type: application/json\n"
        "/offer/oruk/*\n  Access-Control-Allow-Origin: *\n  Content-Type: application/json\n"
    )


def test_the_build_puts_the_security_headers_before_the_apis(tmp_path: Path) -> None:
    (tmp_path / "_headers").write_text(api_headers("/oruk"), encoding="utf-8")
    write_headers(tmp_path)
    write_headers(tmp_path)  # the same, however often
    paths = [path for path, _ in read_header_rules(tmp_path)]
    assert paths == ["/*", "/oruk", "/oruk/*"]
    assert "Access-Control-Allow-Origin" not in read_headers(tmp_path)  # not on pages
    assert "Content-Security-Policy" in read_headers(tmp_path)


def test_the_api_can_move_to_another_folder_and_keeps_its_ids(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    site_yaml = root / "data" / "site.yaml"
    site_yaml.write_text(site_yaml.read_text() + "  api_base: open-referral\n", encoding="utf-8")
    pages = check(root, TODAY).pages
    assert "oruk/index.json" not in pages
    moved = json.loads(pages["open-referral/services-page-1.json"])
    before = json.loads(
        oruk.api_files(SAMPLE.services, SAMPLE.vocabularies, SAMPLE.site)[
            "oruk/services-page-1.json"
        ]
    )
    assert {s["id"] for s in moved["contents"]} == {s["id"] for s in before["contents"]}
    assert "/open-referral/services/:id /open-referral/services/:id/index.json 200" in (
        pages["_redirects"].decode().splitlines()
    )


@pytest.mark.parametrize(
    ("base", "content", "message"),
    [
        (
            "services",
            None,
            "data/site.yaml:{line}: site.api_base: 'services' is a folder of the site's own "
            "pages or files; choose another name for the open data's folder, such as oruk",
        ),
        (
            "oruk",
            "oruk/about.md",
            "content/oruk/about.md:1: is inside oruk/, the folder of the open data (api_base "
            "in data/site.yaml); move it, or rename one",
        ),
        (
            "oruk",
            "oruk.md",
            "content/oruk.md:1: is inside oruk/, the folder of the open data (api_base in "
            "data/site.yaml); move it, or rename one",
        ),
        (
            "oruk",
            "oruk/services.csv",
            "content/oruk/services.csv:1: is inside oruk/, the folder of the open data "
            "(api_base in data/site.yaml); move it, or rename one",
        ),
    ],
)
def test_nothing_else_may_sit_in_the_apis_folder(
    tmp_path: Path, base: str, content: str | None, message: str
) -> None:
    root = copy_project(tmp_path)
    site_yaml = root / "data" / "site.yaml"
    text = site_yaml.read_text() + f"  api_base: {base}\n"
    site_yaml.write_text(text, encoding="utf-8")
    if content:
        (root / "content" / content).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / content).write_text("# Mine\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        check(root, TODAY)
    line = len(text.splitlines())
    assert [str(p) for p in caught.value.problems] == [message.format(line=line)]
