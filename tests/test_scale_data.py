"""A county-sized offer: services split across ``data/services/*.yaml``, and a synthetic
project from ``bench/synthetic.py`` that must pass every check.

Edits start from ``tests/fixtures/minimal``; a folder file here holds copies of its
``advice-line`` service (lines 2-18 of a file). Sizes are asserted, never times: ``make
bench`` measures those.
"""

from __future__ import annotations

import cProfile
import json
import pstats
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from generator.errors import DataError
from generator.load import MAX_BYTES
from generator.oruk import namespace, service_record
from generator.pipeline import check
from generator.schema import write_schemas
from generator.validate import Project, load_project, warnings

from .conftest import MINIMAL, ROOT, TODAY, load_synthetic, problems, write_project

SERVICES = (MINIMAL / "data" / "services.yaml").read_text(encoding="utf-8")
#: The fixture's first service, ``advice-line``, as it stands in its file (lines 2-18).
ADVICE_LINE = SERVICES.split("services:\n", 1)[1].split("  - id: stammering-clinic\n")[0]


def services_file(*ids: str) -> str:
    """A services file holding a copy of ``advice-line`` under each id, in order."""
    return "services:\n" + "".join(ADVICE_LINE.replace("advice-line", i) for i in ids)


def with_folder(root: Path, **files: str | bytes) -> Path:
    """Add ``data/services/<name>.yaml`` files to the project at ``root``."""
    folder = root / "data" / "services"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        path = folder / f"{name}.yaml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


synthetic = load_synthetic()


# --- services split across files -----------------------------------------------------------


def test_services_come_from_the_file_then_the_folder_sorted_by_name(tmp_path: Path) -> None:
    root = with_folder(
        write_project(tmp_path),
        **{"b-provider": services_file("b-one", "b-two"), "a-provider": services_file("a-one")},
    )
    project = load_project(root)
    assert [s.id for s in project.services] == [
        "advice-line", "stammering-clinic", "a-one", "b-one", "b-two",
    ]  # fmt: skip
    assert list(project.sources) == [
        "site.yaml", "vocabularies.yaml", "services.yaml", "services/a-provider.yaml",
        "services/b-provider.yaml", "timeline.yaml", "updates.yaml", "surveys.yaml",
        "documents.yaml",
    ]  # fmt: skip


def test_the_folder_alone_holds_the_services(tmp_path: Path) -> None:
    root = with_folder(write_project(tmp_path, services=None), acme=services_file("a", "b"))
    assert [s.id for s in load_project(root).services] == ["a", "b"]


def test_an_empty_folder_is_no_services_file(tmp_path: Path) -> None:
    root = with_folder(write_project(tmp_path, services=None))
    assert problems(root) == [
        "data/services.yaml:1: is missing; this file, or a folder data/services/ of such files,"
        " is required"
    ]


def test_a_mistake_in_a_folder_file_is_located_there(tmp_path: Path) -> None:
    text = services_file("a-one", "a-two").replace("    levels: universal\n", "", 1)
    text = text.replace("strands: [family-support]", "strands: [famly-support]")
    root = with_folder(write_project(tmp_path), acme=text)
    assert problems(root) == [
        "data/services/acme.yaml:2: services[0].levels (the 1st service, id a-one): is missing;"
        " this field is required",
        "data/services/acme.yaml:7: services[0].strands[0] (the 1st service, id a-one):"
        " 'famly-support' is not one of family-support",
        "data/services/acme.yaml:24: services[1].strands[0] (the 2nd service, id a-two):"
        " 'famly-support' is not one of family-support",
    ]


def test_a_yaml_mistake_in_a_folder_file_stops_only_that_file(tmp_path: Path) -> None:
    broken = services_file("b-one").replace("name: Advice line", "name: Advice: call us")
    root = with_folder(write_project(tmp_path), a=services_file("a-one"), b=broken)
    assert problems(root) == [
        "data/services/b.yaml:3: YAML syntax error: mapping values are not allowed here (hint: text"
        " with a colon and a space in it (': ') must be in quotes, such as"
        ' name: "Speech: help for families")'
    ]


def test_an_id_used_in_two_files_is_reported_at_the_later_one(tmp_path: Path) -> None:
    root = with_folder(
        write_project(tmp_path),
        a=services_file("a-one", "stammering-clinic"),
        b=services_file("b-one", "a-one"),
    )
    assert problems(root) == [
        "data/services/a.yaml:19: services[1].id (the 2nd service, id stammering-clinic):"
        " duplicate id 'stammering-clinic' (also used in data/services.yaml:19)",
        "data/services/b.yaml:19: services[1].id (the 2nd service, id a-one): duplicate id"
        " 'a-one' (also used in data/services/a.yaml:2)",
    ]


def test_an_id_used_twice_in_one_folder_file_names_the_line(tmp_path: Path) -> None:
    root = with_folder(write_project(tmp_path), a=services_file("a-one", "a-one"))
    assert problems(root) == [
        "data/services/a.yaml:19: services[1].id (the 2nd service, id a-one): duplicate id"
        " 'a-one' (also used on line 2)"
    ]


def test_each_folder_file_keeps_the_2_mb_limit(tmp_path: Path) -> None:
    big = services_file("big-one") + "#" * (3 * 1024 * 1024) + "\n"
    root = with_folder(write_project(tmp_path), a=services_file("a-one"), big=big)
    assert problems(root) == [
        f"data/services/big.yaml:1: file is {len(big.encode()):,} bytes;"
        " the limit is 2,097,152 bytes (2 MB) a data file"
    ]


def test_files_together_may_hold_more_than_2_mb(tmp_path: Path) -> None:
    """The limit is a file's: an offer of thousands of services is split, not refused."""
    padding = "#" * (MAX_BYTES // 2) + "\n"  # each file just over 1 MB, all over 3 MB
    files = {f"p{n}": services_file(f"p{n}-one") + padding for n in range(3)}
    root = with_folder(write_project(tmp_path), **files)
    sizes = [p.stat().st_size for p in (root / "data" / "services").iterdir()]
    assert sum(sizes) > MAX_BYTES and max(sizes) < MAX_BYTES
    assert len(load_project(root).services) == 2 + 3


def test_overdue_warning_names_the_folder_file_and_line(tmp_path: Path) -> None:
    stale = services_file("a-one", "a-two").replace("2026-09-14", "2024-01-31", 1)
    root = with_folder(write_project(tmp_path), acme=stale)
    found = warnings(load_project(root), TODAY)
    assert [str(w) for w in found if "services" in w.file] == [
        "data/services/acme.yaml:18: services[0].last_reviewed (the 1st service, id a-one):"
        " warning: overdue for review: last reviewed 2024-01-31, due 2025-01-31"
        " (12 months later)"
    ]


def test_a_page_clash_names_the_folder_file_the_service_is_in(tmp_path: Path) -> None:
    root = with_folder(write_project(tmp_path), acme=services_file("a-one", "a-two"))
    (root / "content" / "services").mkdir()
    (root / "content" / "services" / "a-two.md").write_text("# Mine\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        check(root, TODAY)
    assert [str(p) for p in caught.value.problems] == [
        "content/services/a-two.md:1: would have the same address as the page "
        "services/a-two.md (from data/services/acme.yaml:19); rename one"
    ]


def test_the_open_data_feed_holds_the_services_of_every_file(tmp_path: Path) -> None:
    root = with_folder(write_project(tmp_path), a=services_file("a-one"), b=services_file("b-1"))
    feed = json.loads(check(root, TODAY).pages["oruk/services-page-1.json"])
    assert feed["total_items"] == len(feed["contents"]) == 4


# --- a synthetic county ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic project of 300 services, written once for this module."""
    root: Path = synthetic.write_project(tmp_path_factory.mktemp("county") / "project", 300)
    return root


@pytest.fixture(scope="module")
def county_project(county: Path) -> Project:
    return load_project(county)  # raises DataError, listing them, if anything is wrong


def test_a_synthetic_county_passes_every_check(county: Path, county_project: Project) -> None:
    services = county_project.services
    assert len(services) == 300
    assert len({s.id for s in services}) == len({s.name for s in services}) == 300
    files = sorted((county / "data" / "services").glob("*.yaml"))
    read = [name for name in county_project.sources if name.startswith("services/")]
    assert read == [f"services/{f.name}" for f in files]  # in name order
    assert not (county / "data" / "services.yaml").exists()


def test_each_synthetic_file_is_well_under_the_limit(county: Path) -> None:
    data = [p for p in (county / "data").rglob("*") if p.is_file()]
    assert len(data) > 6
    assert max(p.stat().st_size for p in data) < MAX_BYTES // 2


def test_each_synthetic_provider_has_about_50_to_200_services(county_project: Project) -> None:
    per_file: dict[str, int] = {}
    for service in county_project.services:
        origin = service.problem("id", "").file
        per_file[origin] = per_file.get(origin, 0) + 1
    assert len(per_file) >= 2
    assert all(50 <= n <= 200 for n in per_file.values()), per_file


def test_synthetic_services_use_every_term_and_every_field(county_project: Project) -> None:
    services = county_project.services
    vocab = county_project.vocabularies
    for name in ("levels", "strands", "audiences", "needs", "delivery", "areas"):
        used = {t for s in services for t in getattr(s, name)}
        assert used == {t.id for t in getattr(vocab, name)}, name
    assert {s.discipline for s in services} == {t.id for t in vocab.disciplines}
    assert {s.status for s in services} >= {"active", "temporarily closed", "inactive"}
    assert all(150 <= len(s.description) <= 1500 for s in services)
    assert all(s.summary is None or len(s.summary) <= 200 for s in services)
    filled = {field for s in services for field, value in s if value not in (None, [])}
    assert filled == set(type(services[0]).model_fields)
    assert 0.25 < sum(s.access.self_referral for s in services) / len(services) < 0.55
    assert 0.7 < sum(s.cost == "Free" for s in services) / len(services) < 0.9
    found = warnings(county_project, TODAY)
    overdue = [w for w in found if "overdue for review" in w.message]
    assert 0.04 < len(overdue) / len(services) < 0.2
    others = [w.message for w in found if w not in overdue]  # the county leaves ages out
    assert all(m.startswith("warning: gives no ages (min_age or max_age)") for m in others)
    assert all(w.file.startswith("data/services/") for w in overdue)


def test_synthetic_services_are_valid_open_referral_records(county_project: Project) -> None:
    schema = ROOT.parent / "shared/reference/oruk-3.0/service_with_definitions.json"
    if not schema.is_file():
        pytest.fail(f"the ORUK 3.0 schema is not at {schema} (shared/ sits beside the project)")
    validator = Draft202012Validator(json.loads(schema.read_text()))
    ns = namespace(county_project.site)
    for service in county_project.services[::10]:
        record = service_record(service, county_project.vocabularies, ns)
        assert [e.message for e in validator.iter_errors(record)] == [], service.id


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_synthetic_project_is_the_same_bytes_for_the_same_seed(tmp_path: Path) -> None:
    first = _tree(synthetic.write_project(tmp_path / "first", 120, seed=7))
    again = _tree(synthetic.write_project(tmp_path / "again", 120, seed=7))
    other = _tree(synthetic.write_project(tmp_path / "other", 120, seed=8))
    assert first == again
    assert any(name.startswith("data/services/") for name in first)
    assert first != other
    drawn = ("data/services/", "data/updates.yaml", "data/documents.yaml", "data/surveys.yaml")
    assert {k: v for k, v in first.items() if not k.startswith(drawn)} == {
        k: v for k, v in other.items() if not k.startswith(drawn)
    }  # the copied sample files are the same whatever the seed


def test_updates_documents_and_surveys_grow_with_the_services(tmp_path: Path) -> None:
    sample = load_project(Path(__file__).resolve().parent.parent)
    project = load_project(synthetic.write_project(tmp_path / "county", 500))
    assert len(project.updates) == len(sample.updates) + 500 // synthetic.UPDATE_EVERY
    assert len(project.documents) == len(sample.documents) + 500 // synthetic.DOCUMENT_EVERY
    assert len(project.surveys) == len(sample.surveys) + 500 // synthetic.SURVEY_EVERY
    assert [u.id for u in project.updates][: len(sample.updates)] == [
        u.id for u in sample.updates
    ]  # the sample's own records are kept, first


def test_the_synthetic_generator_runs_from_the_command_line(tmp_path: Path) -> None:
    assert synthetic.main([str(tmp_path / "cli"), "60"]) == 0
    assert len(load_project(tmp_path / "cli").services) == 60


# --- a vocabulary of thousands of terms -----------------------------------------------------

#: The vocabularies, in the order of ``data/vocabularies.yaml``.
VOCABULARIES = ("disciplines", "strands", "levels", "audiences", "areas", "needs", "delivery")


def with_terms(root: Path, vocabulary: str, count: int, *, known: bool = True) -> Path:
    """Give the minimal project at ``root`` a ``vocabulary`` of ``count`` terms. With
    ``known`` its own terms come first, so its records stay valid (and each term is a value
    of the directory's filters, each audience a page); without, every use of the
    vocabulary is an unknown id. ``make bench`` times ``check`` of the same projects."""
    path = root / "data" / "vocabularies.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    terms = data["vocabularies"][vocabulary] if known else []
    for n in range(count - len(terms)):
        term = {"id": f"{vocabulary}-{n}", "name": f"{vocabulary.capitalize()} {n}"}
        if vocabulary == "audiences":
            term["intro"] = f"This page is for the {vocabulary} of group {n}."
        terms.append(term)
    data["vocabularies"][vocabulary] = terms
    text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    if known:  # the editor's schemas, which check compares with what the terms make now
        write_schemas(root, load_project(root).vocabularies)
    return root


def _calls_to_check(root: Path) -> tuple[int, list[str]]:
    """The Python function calls ``check`` makes on ``root``, and the problems it reports:
    a count of the work done, which the machine's speed does not change."""
    profile = cProfile.Profile()
    profile.enable()
    try:
        check(root, TODAY)
        found = []
    except DataError as exc:
        found = [str(p) for p in exc.problems]
    finally:
        profile.disable()
    return pstats.Stats(profile).total_calls, found  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("vocabulary", "known"),
    [(name, True) for name in VOCABULARIES]
    + [("areas", False), ("audiences+disciplines", True), ("audiences+needs", True)],
)
def test_checking_a_vocabulary_ten_times_larger_is_at_most_ten_times_the_work(
    tmp_path: Path, vocabulary: str, known: bool
) -> None:
    """Nothing in check (reading, validating, the message that names "the 3,000 areas",
    a page per audience, the filters, the grid, the editor's schemas) calls a function for
    each pair of a vocabulary's terms: ten times the terms is at most ten times the calls,
    with a little room for what the larger run finds cached (12x; one call a pair, such as
    looking each term up in the ones before it, makes it 25x and more). ``make bench``
    times ``check`` with 10,000 terms."""
    check(write_project(tmp_path / "warm-up"), TODAY)  # templates compiled, caches filled

    def project(n: int) -> Path:
        root = write_project(tmp_path / str(n))
        for name in vocabulary.split("+"):  # two at once: every audience page lists its
            with_terms(root, name, n, known=known)  # services by discipline, say
        return root

    small, large = (_calls_to_check(project(n)) for n in (300, 3000))
    if known:
        assert small[1] == large[1] == []
    else:  # the fixture's two services name the one area it had; now neither is there
        assert large[1] == [
            f"data/services.yaml:{line}: services[{i}].areas[0] (the {nth} service, id {ident}):"
            " 'essex' is not one of the 3,000 areas in data/vocabularies.yaml"
            for i, line, nth, ident in (
                (0, 17, "1st", "advice-line"),
                (1, 39, "2nd", "stammering-clinic"),
            )
        ]
    assert large[0] <= 12 * small[0], (small[0], large[0])
