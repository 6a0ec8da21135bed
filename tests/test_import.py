"""``python -m generator import-oruk``: a council's directory brought into data/services/.

The standard's own example (read from shared/, never copied), a feed made from the sample by
our export, and hand-made HSDS-UK 1.0 and Outpost feeds with the mess real directories
publish; merges on a second import (three ways: the last import, the file, the source);
a paged web source on 127.0.0.1."""

from __future__ import annotations

import http.server
import io
import itertools
import json
import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq

from generator import models
from generator.cli import main
from generator.errors import DataError
from generator.importer import (
    MAPPING,
    STATE,
    _new_record,
    _yaml,
    canonical,
    command,
    normalise,
    text_markdown,
)
from generator.load import _parse_yaml, load_yaml
from generator.oruk import namespace, service_record
from generator.pipeline import check
from generator.validate import Project, load_project

from .conftest import ROOT, TODAY, listening, problems, write_project
from .test_build import SAMPLE

REFERENCE = Path(__file__).resolve().parents[2] / "shared/reference/oruk-3.0"
SERVICE_FULL = REFERENCE / "service_full.json"
FIXTURES = Path(__file__).parent / "fixtures" / "oruk"
HSDS_UK = FIXTURES / "hsds-uk-1.0.json"
OUTPOST = FIXTURES / "outpost.json"


def importing(root: Path, source: str | Path, *options: str) -> tuple[int, list[str], list[str]]:
    """Run the import as the command line does: (exit code, report lines, error lines)."""
    out: list[str] = []
    err: list[str] = []
    theirs, ours = "--theirs" in options, "--ours" in options
    code = command(root, str(source), theirs=theirs, ours=ours, out=out.append, err=err.append)
    return code, out, err


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under data/, hidden ones too, by path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "data").rglob("*"))
        if p.is_file()
    }


def empty_area(tmp_path: Path) -> Path:
    """The sample's settings, vocabularies, statement and pages, with no services at all."""
    root = tmp_path / "area"
    (root / "data").mkdir(parents=True)
    for name in ("site.yaml", "vocabularies.yaml", "accessibility.yaml"):
        shutil.copy(ROOT / "data" / name, root / "data" / name)
    shutil.copytree(ROOT / "content", root / "content")  # the logo, the pages
    return root


def exported(project: Project) -> list[dict[str, Any]]:
    ns = namespace(project.site)
    url = project.site.site_url
    return [service_record(s, project.vocabularies, ns, site_url=url) for s in project.services]


def without_ids(value: Any) -> Any:
    """An ORUK record without its ids (UUIDs made from our ids, which are ours to choose)."""
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if k != "id" and not k.endswith("_id")}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value


def edit(root: Path, file: str, change: Any) -> None:
    """A person's edit of a data file, with any tool that keeps comments (ruamel here)."""
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    path = root / "data" / file
    doc = yaml.load(path.read_text(encoding="utf-8"))
    change(doc["services"])
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(doc, out)


def mapping_yaml(tables: dict[str, dict[str, Any]]) -> str:
    """The mapping file as a council writes it: a source term, a colon, our id."""
    lines = []
    for vocabulary, table in tables.items():
        lines.append(f"{vocabulary}:")
        lines += [f"  {json.dumps(term)}: {json.dumps(ours)}" for term, ours in table.items()]
    return "\n".join(lines) + "\n"


def keep_terms(root: Path) -> str:
    """The source_terms the import listed in the mapping file, to keep when rewriting it."""
    text = (root / MAPPING).read_text(encoding="utf-8")
    return text[text.index("source_terms:") :]


# --- the standard's own example --------------------------------------------------------------


def test_the_standards_example_imports_and_checks_once_mapped_and_completed(
    tmp_path: Path,
) -> None:
    if not SERVICE_FULL.is_file():
        pytest.fail(f"the ORUK 3.0 example is not at {SERVICE_FULL}")
    source = json.loads(SERVICE_FULL.read_text())
    root = write_project(tmp_path, services=None)

    code, out, err = importing(root, SERVICE_FULL)
    assert (code, err) == (0, [])
    file = "data/services/example-organization-inc.yaml"
    assert (root / file).is_file()
    assert any(f"wrote {MAPPING}, listing the 2 terms met in the source" in line for line in out)
    starter = (root / MAPPING).read_text()
    assert "{name: name, id: 3f7b145d-84af-42d7-8fae-eaca714b02b2, from: taxonomy}" in starter
    assert "# ours: universal, targeted, specialist" in starter
    dropped = next(line for line in out if line.startswith("not imported, as"))
    for field in ("accreditations (1)", "alert (1)", "fees (1)", "funding[].source (1)"):
        assert field in dropped
    assert f"{file}:6: services[0].max_age (the 1st service, id community-counselling): not " \
        "imported: 100 is above 25, the oldest age this site uses; left out" in out  # fmt: skip
    assert any("'ABC 1234' is not a UK postcode; kept in the address" in line for line in out)

    # the council maps the example's one term and its service area, and imports again
    area = source["service_areas"][0]["name"]
    (root / MAPPING).write_text(
        mapping_yaml({
            "disciplines": {"name": "speech"}, "levels": {"name": "universal"},
            "strands": {"name": "family-support"}, "audiences": {"name": "parents"},
            "delivery": {"name": "clinic"}, "areas": {area: "essex"},
        }) + keep_terms(root)
    )  # fmt: skip
    code, out, err = importing(root, SERVICE_FULL)
    assert (code, err) == (0, [])
    to_add = [line for line in out if "to add by hand" in line]
    assert to_add == [
        f"{file}:6: services[0] (the 1st service, id community-counselling): to add by hand: "
        "eligibility, access.referral_route, access.self_referral (not in the source)"
    ]
    assert problems(root) == [
        f"{file}:6: services[0].access (the 1st service, id community-counselling): is "
        "missing; this field is required",
        f"{file}:6: services[0].eligibility (the 1st service, id community-counselling): is "
        "missing; this field is required",
    ]

    def person(services: Any) -> None:
        services[0]["eligibility"] = "Anyone in the area"
        services[0]["access"] = {"referral_route": "Call reception.", "self_referral": "yes"}

    edit(root, "services/example-organization-inc.yaml", person)
    project = check(root, TODAY).project
    (ours,) = exported(project)
    for field in ("name", "description", "url", "email", "status", "minimum_age", "assured_date"):
        value = source[field]
        assert ours[field] == (value.strip() if isinstance(value, str) else value), field
    assert "maximum_age" not in ours  # 100 is beyond this site's ages: left for a person
    assert ours["organization"]["name"] == source["organization"]["name"]
    assert ours["schedules"][0]["description"] == source["schedules"][0]["description"]
    assert ours["cost_options"][0]["amount_description"] == (
        "Under 18s and Over 60s: £35 per 1 hour session"
    )
    place = ours["service_at_locations"][0]["location"]
    assert place["name"] == "MyCity Civic Center"
    assert (
        place["accessibility"][0]["description"]
        == (source["service_at_locations"][0]["location"]["accessibility"][0]["description"])
    )

    # nothing changed in the source: a third import changes no byte, the person's work kept
    before = snapshot(root)
    assert importing(root, SERVICE_FULL)[0] == 0
    assert snapshot(root) == before


# --- our own feed, out and back -------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_feed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's services as our export writes them, in two page files of a folder."""
    folder = tmp_path_factory.mktemp("feed")
    records = exported(SAMPLE)
    half = len(records) // 2
    for number, chunk in enumerate((records[:half], records[half:]), 1):
        page = {"total_items": len(records), "total_pages": 2, "page_number": number,
                "contents": chunk}  # fmt: skip
        (folder / f"page-{number}.json").write_text(json.dumps(page))
    return folder


def council_mapping(feed: Path) -> dict[str, dict[str, Any]]:
    """What a council would map: each exported term (by the source's id) to the term it
    names, and each service area (by its name) to the area."""
    tables: dict[str, dict[str, Any]] = {}
    areas = {t.name: t.id for t in SAMPLE.vocabularies.areas}
    for page in sorted(feed.glob("*.json")):
        for record in json.loads(page.read_text())["contents"]:
            for attribute in record["attributes"]:
                term = attribute["taxonomy_term"]
                vocabulary = term["taxonomy"].removeprefix("local-offer:")
                tables.setdefault(vocabulary, {})[term["id"]] = term["term"]
            for area in record["service_areas"]:
                tables.setdefault("areas", {})[area["name"]] = areas[area["name"]]
    return tables


def test_export_import_export_gives_the_same_values(tmp_path: Path, sample_feed: Path) -> None:
    root = empty_area(tmp_path)
    code, out, _ = importing(root, sample_feed)
    assert code == 0
    assert out[-1].startswith(f"import-oruk: {len(SAMPLE.services)} services read from ")
    (root / MAPPING).write_text(mapping_yaml(council_mapping(sample_feed)) + keep_terms(root))
    code, out, _ = importing(root, sample_feed)
    assert code == 0
    # nothing is left for a person: every value the site needs travels in the export,
    # whether a family may refer themselves too (an extension field, ``self_referral``)
    assert [line for line in out if "to add by hand" in line] == []
    project = check(root, TODAY).project
    assert len(project.services) == len(SAMPLE.services)
    again = {r["name"]: without_ids(r) for r in exported(project)}
    first = {r["name"]: without_ids(r) for r in exported(SAMPLE)}
    assert len(first) == len(SAMPLE.services)
    assert again == first
    # ids are readable (the name's words) and kept on the next import
    ids = {s.name: s.id for s in project.services}
    assert ids[SAMPLE.services[0].name] == "speech-and-language-advice-line"
    before = snapshot(root)
    assert importing(root, sample_feed)[0] == 0
    assert snapshot(root) == before


# --- messy feeds ------------------------------------------------------------------------------


def test_a_messy_hsds_uk_feed_imports_what_is_there_and_lists_the_rest(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    code, out, err = importing(root, HSDS_UK)  # a byte-order mark, a Spring page from 0
    assert (code, err) == (0, [])
    report = "\n".join(out)
    assert "source: the id '1234' is given twice; the second was skipped" in report
    assert "item 3 is not a record; skipped" in report
    assert "'01632 96' is not a phone number like 0300 123 4567" in report
    assert "'www.example.org/teen' is not a web address (https://…)" in report
    assert "'not an email' is not an email" in report
    assert "'three' is not a whole number" in report
    assert "'someday' is not a date between 1900 and 2100" in report
    assert "a place at 'WM2 2BB' has no name; left out" in report
    dropped = next(line for line in out if line.startswith("not imported, as"))
    for field in ("accreditations (1)", "fundings[].source (1)", "languages[].language (1)",
                  "organization.logo (1)", "regular_schedules[].freq (1)",
                  "service_at_locations[].location.latitude (1)"):  # fmt: skip
        assert field in dropped

    hubs = load_yaml(root / "data/services/westmoor-family-hubs.yaml", "x")[0].data["services"]
    chatter, teen = hubs
    assert chatter["description"] == (
        "Weekly group for toddlers & their parents.\n\n- Songs\n- Stories & rhymes\n\n"
        "See our page (https://www.example.org/chatterbox) or this link.\n"
    )  # HTML made text: no script, no javascript: link
    assert chatter["contact"] == {"phone": "+44 1632 960123", "email": "chatter@example.org",
                                  "web": "https://www.example.org/chatterbox"}  # fmt: skip
    assert (chatter["min_age"], chatter["max_age"], chatter["last_reviewed"]) == (
        "0",
        "4",
        "2024-03-15",
    )
    assert chatter["cost"] == "£2 a session"
    assert chatter["opening_times"] == "Tuesday and Thursday, 09:30 to 11:30"
    assert chatter["locations"] == [
        {"name": "Meadow Hub", "address": "1 Meadow Lane, Westmoor", "postcode": "WM1 1AA",
         "accessibility": "Step-free entrance"}
    ]  # fmt: skip
    assert teen["name"] == "Teen talk group"  # a bell and a direction override removed
    assert teen["status"] == "temporarily closed"
    assert teen["description"] == (
        "- Talk about anything.\n- No \\*stars\\* here\n\nWe offer:\n\n- chat\n- &lt;tea> & cake\n"
    )
    assert "min_age" not in teen and teen["max_age"] == "19"  # -1: not known
    assert teen["cost"] == "Per session: £5; Free for siblings"
    assert (teen["contact"], teen["last_reviewed"]) == ({"phone": "01632 960 777"}, "2025-01-31")

    # what is left to do is what check says, at the same lines
    from_check = {p.split(": ")[0] for p in problems(root) if "services/" in p}
    to_add = {line.split(": ")[0] for line in out if "to add by hand" in line}
    assert to_add == from_check


def test_an_outpost_feed_imports_with_its_local_offer(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    code, out, err = importing(root, OUTPOST)
    assert (code, err) == (0, [])
    report = "\n".join(out)
    assert "'Old club' was not imported: its status is 'archived'" in report
    assert "30 is above 25, the oldest age this site uses; left out" in report
    assert (
        "last_reviewed (not in the source; the source last changed the record on 2024-05-01)"
        in report
    )
    assert out[-1].endswith("(Outpost): 2 added, 0 unchanged, 1 not imported")
    movers, clinic = load_yaml(root / "data/services/moving-minds-cic.yaml", "x")[0].data[
        "services"
    ]
    assert movers["access"] == {"referral_route": "Call us to book a taster session.",
                                "self_referral": "yes"}  # fmt: skip
    assert "We adapt every activity." in movers["description"]
    assert movers["cost"] == "Free"
    assert movers["contact"]["phone"] == "01632 960555"
    assert movers["opening_times"] == "Monday and Wednesday, 16:00 to 18:00"
    assert movers["locations"][0]["accessibility"] == "Accessible toilet facilities; Hearing loop"
    assert clinic["access"] == {"self_referral": "no"}  # needs_referral: true
    assert clinic["cost"] == "Weekly: £12.50 per session"
    assert len(clinic["locations"]) == 1  # listed twice by Outpost, once here
    # the council maps Outpost's taxonomies by name; a second import fills them in
    (root / MAPPING).write_text(mapping_yaml({
        "disciplines": {"Physiotherapy": "speech"}, "needs": {"send_needs:3": "stammering"},
        "levels": {"physiotherapy": "targeted"}, "strands": {"Physiotherapy": "family-support"},
        "audiences": {"Family Information Service": "parents"},
        "delivery": {"Physiotherapy": "clinic"}, "areas": {"Physiotherapy": "essex"},
    }) + keep_terms(root))  # fmt: skip
    code, out, _ = importing(root, OUTPOST)
    movers, clinic = load_yaml(root / "data/services/moving-minds-cic.yaml", "x")[0].data[
        "services"
    ]
    assert (movers["discipline"], movers["needs"], movers["levels"]) == (
        "speech",
        ["stammering"],
        ["targeted"],
    )
    assert "'Occupational therapy' (1)" in "\n".join(out)  # still unmapped, and said so


_ANYTHING = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 200)
    | st.floats(allow_nan=True)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_mutation_of_a_real_record_is_read_without_a_crash(data: st.DataObject) -> None:
    """Fields deleted, or replaced by anything JSON can hold: never a crash, and what is kept
    reads back from the file as it was meant."""
    feeds = [json.loads(HSDS_UK.read_bytes().decode("utf-8-sig"))["content"][0],
             json.loads(OUTPOST.read_text())["content"][0],
             json.loads(SERVICE_FULL.read_text())]  # fmt: skip
    record = data.draw(st.sampled_from(feeds))
    for key in data.draw(st.lists(st.sampled_from(sorted(record)), max_size=6)):
        if data.draw(st.booleans()):
            record.pop(key, None)
        else:
            record[key] = data.draw(_ANYTHING)
    one = normalise(record)
    assert isinstance(one.key, str)
    for name, value in one.values.items():
        assert value not in (None, "", []), name
    if "contact.phone" in one.values:
        models.ServiceContact(phone=one.values["contact.phone"])
    # written as the import writes it, and read back as check reads it: the same values
    out = io.StringIO()
    _yaml().dump({"services": CommentedSeq([_new_record("x", one.key, one.values)])}, out)
    written, found = _parse_yaml(out.getvalue(), "data/services/x.yaml")
    assert found == []
    assert canonical(written.data["services"][0]) == one.values


_WORD = (
    st.text(
        alphabet=st.sampled_from("ab Z9*_`#>+-=.!()[]<>&;\\|:'\"£é~{}"), min_size=1, max_size=12
    )
    .map(lambda w: " ".join(w.split()))
    .filter(bool)
)
_LINE = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(paragraphs=st.lists(st.lists(_LINE, min_size=1, max_size=3), min_size=1, max_size=3))
def test_text_read_from_a_feed_is_published_as_the_same_text(paragraphs: list[list[str]]) -> None:
    """What our export writes (the page's text) comes back, once imported and exported, as
    the same text: markdown's own characters escaped, a paragraph of lines a list."""
    lines = [
        [line for line in p if not re.match(r"([-*+]|\d{1,3}[.)])\s", line)] for p in paragraphs
    ]
    lines = [p for p in lines if p]
    # two lists with only a blank line between are one list in markdown, so our export
    # never writes them; a paragraph of one line comes between
    if not lines or any(len(a) > 1 and len(b) > 1 for a, b in itertools.pairwise(lines)):
        return
    text = "\n\n".join("\n".join(p) for p in lines)
    service = SAMPLE.services[0].model_copy(update={"description": text_markdown(text)})
    record = service_record(service, SAMPLE.vocabularies, namespace(SAMPLE.site))
    assert record["description"] == text


# --- a second import ---------------------------------------------------------------------------


def _page(path: Path, change: Any) -> Path:
    """A copy of the Outpost fixture with ``change`` made to its records."""
    page = json.loads(OUTPOST.read_text())
    change(page["content"])
    out = path / "outpost-now.json"
    out.write_text(json.dumps(page))
    return out


def test_a_local_edit_and_a_source_change_to_the_same_field_are_a_conflict(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    assert importing(root, OUTPOST)[0] == 0
    file = root / "data/services/moving-minds-cic.yaml"
    # a person edits the cost and the opening times, adding a comment of their own
    text = file.read_text()
    text = text.replace(
        "    cost: Free\n", "    cost: Free for families  # checked by phone, May\n"
    )
    text = text.replace(
        "Monday and Wednesday, 16:00 to 18:00", "Mondays and Wednesdays, 4pm to 6pm"
    )
    file.write_text(text)
    edited = snapshot(root)

    def newer(services: list[dict[str, Any]]) -> None:
        services[0]["cost_options"] = [{"option": "Per session", "amount": 2}]  # both changed
        services[0]["url"] = "https://www.example.org/little-movers"  # only the source changed

    source = _page(tmp_path, newer)
    code, out, err = importing(root, source)
    assert code == 1
    assert err == [
        "1 service changed both here and in the source were left as they were: see above."
    ]
    conflict = [line for line in out if "changed here and in the source" in line]
    at = text.split("\n").index("    cost: Free for families  # checked by phone, May") + 1
    assert conflict == [
        f"data/services/moving-minds-cic.yaml:{at}: services[0].cost (the 1st service, id "
        "little-movers): changed here and in the source: ours 'Free for families', theirs "
        "'Per session: £2'; this service was left as it is (run again with --theirs to take "
        "the source's values, or --ours to keep yours)"
    ]
    now = snapshot(root)
    assert (
        json.loads(now.pop(STATE))["records"]["501"]
        == json.loads(edited.pop(STATE))["records"]["501"]
    )  # what was last imported stays the base of the next comparison
    assert now == edited  # nothing changed in that record

    code, out, _ = importing(root, source, "--ours")
    assert code == 0
    now = file.read_text()
    assert "    cost: Free for families  # checked by phone, May\n" in now
    assert "Mondays and Wednesdays, 4pm to 6pm" in now  # a local edit the source did not touch
    assert "web: https://www.example.org/little-movers\n" in now  # the source's own change
    assert any("local edits kept" in line for line in out[-1:])
    # settled: the same source again is no conflict and changes nothing
    settled = snapshot(root)
    assert importing(root, source)[0] == 0
    assert snapshot(root) == settled


def test_theirs_takes_the_sources_values_and_keeps_the_persons_comments(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    assert importing(root, OUTPOST)[0] == 0
    file = root / "data/services/moving-minds-cic.yaml"
    text = file.read_text().replace(
        "    cost: Free\n", "    # asked in May\n    cost: Free for all\n"
    )
    file.write_text(text)
    source = _page(tmp_path, lambda s: s[0].update(free=False, cost_options=[{"amount": "3"}]))
    assert importing(root, source)[0] == 1
    assert importing(root, source, "--theirs")[0] == 0
    now = file.read_text()
    assert "    # asked in May\n    cost: £3\n" in now
    assert now.replace("    cost: £3\n", "    cost: Free for all\n") == text
    assert importing(root, source)[0] == 0


def test_a_record_removed_here_is_not_added_back(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    assert importing(root, OUTPOST)[0] == 0
    edit(root, "services/moving-minds-cic.yaml", lambda services: services.pop(1))
    before = snapshot(root)
    code, out, _ = importing(root, OUTPOST)
    assert code == 0
    assert any("has since been removed here; it is not added back" in line for line in out)
    assert snapshot(root) == before
    assert importing(root, OUTPOST, "--theirs")[0] == 0
    ids = [
        s["id"]
        for s in load_yaml(root / "data/services/moving-minds-cic.yaml", "x")[0].data["services"]
    ]
    assert ids == ["little-movers", "referral-only-clinic"]


def test_the_state_and_the_mapping_are_files_check_leaves_alone(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    assert importing(root, OUTPOST)[0] == 0
    assert (root / STATE).is_file() and (root / MAPPING).is_file()
    found = problems(root)  # the imported services lack what the source does not give…
    assert found and all(p.startswith("data/services/moving-minds-cic.yaml:") for p in found)
    assert not any(".oruk" in p for p in found)  # …and check reads neither file


def test_a_mapping_to_an_id_we_do_not_have_stops_the_import_at_its_line(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    (root / MAPPING).write_text("levels:\n  Universal: univrsal\nlevls: {}\n")
    before = snapshot(root)
    code, _, err = importing(root, OUTPOST)
    assert code == 1
    assert err == [
        f"{MAPPING}:2: levels.Universal: 'univrsal' is not one of universal, targeted, specialist",
        f"{MAPPING}:3: levls: unknown key 'levls'; allowed: disciplines, levels, strands, "
        "audiences, needs, delivery, areas, source_terms",
        "2 problems found; nothing was imported.",
    ]
    assert snapshot(root) == before


# --- the command line and the web ------------------------------------------------------------


class _Pages(http.server.BaseHTTPRequestHandler):
    """An ORUK API of two pages, by ``?page=``."""

    pages: ClassVar[list[bytes]] = []
    asked: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.asked.append(self.path)
        number = int(parse_qs(urlsplit(self.path).query).get("page", ["1"])[0])
        if not 1 <= number <= len(self.pages):
            self.send_error(404)
            return
        body = self.pages[number - 1]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def web_feed(sample_feed: Path) -> Iterator[str]:
    _Pages.pages = [p.read_bytes() for p in sorted(sample_feed.glob("*.json"))]
    _Pages.asked = []
    with listening(_Pages) as url:
        yield f"{url}/services?per_page=13"


def test_a_web_source_is_read_page_after_page(
    tmp_path: Path, web_feed: str, sample_feed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = empty_area(tmp_path)
    code = main(["import-oruk", web_feed, "--root", str(root)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert _Pages.asked == ["/services?per_page=13", "/services?per_page=13&page=2"]
    assert (
        f"{len(SAMPLE.services)} services read from {web_feed} (ORUK 3.0, 2 pages)" in captured.out
    )
    from_folder = empty_area(tmp_path / "folder")
    assert importing(from_folder, sample_feed)[0] == 0
    web, folder = snapshot(root), snapshot(from_folder)
    assert web.pop(STATE) != folder.pop(STATE)  # where each came from
    assert web == folder  # the same records, whatever the source


def test_an_unreachable_source_is_one_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path)
    before = snapshot(root)
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    code = main(["import-oruk", f"http://127.0.0.1:{port}/services", "--root", str(root)])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.splitlines() == [
        f"import-oruk: cannot reach http://127.0.0.1:{port}/services: Connection refused",
        "Nothing was changed.",
    ]
    assert "Traceback" not in captured.err + captured.out
    for source, said in (
        (str(tmp_path / "missing.json"), "is neither a web address"),
        ("ftp://example.org/feed.json", "only http:// and https:// addresses are read"),
        (str(ROOT / "mkdocs.yml"), "is not JSON: Expecting value (line 1, column 1)"),
    ):
        assert main(["import-oruk", source, "--root", str(root)]) == 1
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 2 and said in err[0], err
    assert snapshot(root) == before


def test_theirs_and_ours_cannot_be_given_together(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["import-oruk", "x.json", "--theirs", "--ours"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_project_with_a_broken_services_file_is_not_written_to(tmp_path: Path) -> None:
    root = write_project(tmp_path, services="services:\n  - id: [unclosed\n")
    before = snapshot(root)
    code, _, err = importing(root, OUTPOST)
    assert code == 1 and err[-1] == "1 problem found; nothing was imported."
    assert snapshot(root) == before
    with pytest.raises(DataError):
        load_project(root)


def test_a_providers_own_file_keeps_its_bytes_its_line_ends_and_its_mark(tmp_path: Path) -> None:
    """The council already keeps a file for the provider (Windows line ends, a byte-order
    mark, comments): imported services are added after its own, and nothing else moves."""
    root = write_project(tmp_path)
    (root / "data/services").mkdir()
    own = (
        "\ufeff# Moving Minds: typed by the comms team\r\n"
        "services:\r\n"
        "  - id: moving-minds-helpline   # ask Sam before changing\r\n"
        "    name: Moving Minds helpline\r\n"
        "    organisation: Moving Minds CIC\r\n"
        "    description: Call us.\r\n"
        "    discipline: speech\r\n"
        "    levels: [universal]\r\n"
        "    strands: [family-support]\r\n"
        "    audiences: [parents]\r\n"
        "    eligibility: Anyone.\r\n"
        "    access: {referral_route: Call., self_referral: yes}\r\n"
        "    contact: {phone: 01632 960999}\r\n"
        "    delivery: [clinic]\r\n"
        "    areas: [essex]\r\n"
        "    last_reviewed: 2026-01-05\r\n"
    ).encode()
    file = root / "data/services/moving-minds-cic.yaml"
    file.write_bytes(own)
    assert importing(root, OUTPOST)[0] == 0
    now = file.read_bytes()
    assert now.startswith(own)
    assert b"\n" not in now.replace(b"\r\n", b"")
    names = [s["name"] for s in load_yaml(file, "x")[0].data["services"]]
    assert names == ["Moving Minds helpline", "Little movers", "Referral only clinic"]


def test_without_its_state_a_second_import_finds_its_records_by_id(tmp_path: Path) -> None:
    """A state lost (never committed, deleted): records are found by the id the name gives;
    what is the same stays, and nothing is added twice."""
    root = write_project(tmp_path)
    assert importing(root, OUTPOST)[0] == 0
    before = snapshot(root)
    (root / STATE).unlink()
    code, out, _ = importing(root, OUTPOST)
    assert code == 0
    assert out[-1].endswith("0 added, 2 unchanged, 1 not imported")
    assert snapshot(root) == before
    # a field that now differs is a conflict: without the state, nobody knows who changed it
    (root / STATE).unlink()
    file = root / "data/services/moving-minds-cic.yaml"
    file.write_text(file.read_text().replace("    cost: Free\n", "    cost: Free entry\n"))
    code, out, _ = importing(root, OUTPOST)
    assert code == 1
    assert any("ours 'Free entry', theirs 'Free'" in line for line in out)


def test_a_copy_of_an_oruk_api_is_read_by_its_services_pages(
    tmp_path: Path, sample_feed: Path
) -> None:
    """A folder holding an API's files (its root, other lists' pages): only the services
    pages are read, and a record repeated as it is counts once."""
    api = tmp_path / "oruk"
    api.mkdir()
    (api / "index.json").write_text('{"version": "3.0", "profile": "UK"}')
    (api / "taxonomies-page-1.json").write_text(
        '{"page_number": 1, "contents": [{"id": "t", "name": "Levels", "version": "1"}]}'
    )
    pages = sorted(sample_feed.glob("*.json"))
    for number, page in enumerate(pages, 1):
        shutil.copy(page, api / f"services-page-{number}.json")
    repeated = json.loads(pages[0].read_text())
    repeated["contents"] = repeated["contents"][:1]
    (api / "services-page-9.json").write_text(json.dumps(repeated))
    root = empty_area(tmp_path)
    code, out, _ = importing(root, api)
    assert code == 0
    assert out[-1].endswith(f"(ORUK 3.0, 3 pages): {len(SAMPLE.services)} added, 0 unchanged")
    assert not any("given twice" in line for line in out)
