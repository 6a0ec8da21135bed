"""Stage 2: every record kind is checked against its schema and vocabularies, all at once.

Each test starts from ``tests/fixtures/minimal`` (a tiny valid project) and changes one
thing, so the line numbers below are the fixture's; ``data/services.yaml`` there has the
``advice-line`` service on lines 2-18 and ``stammering-clinic`` on lines 19-40.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.validate import load_project

from .conftest import MINIMAL, problems, write_project


def fixture_text(name: str) -> str:
    return (MINIMAL / "data" / f"{name}.yaml").read_text(encoding="utf-8")


def edited(name: str, old: str, new: str) -> str:
    """The fixture's ``data/<name>.yaml`` with ``old`` (which must occur once) replaced."""
    text = fixture_text(name)
    assert text.count(old) == 1, f"{old!r} should occur once in {name}.yaml"
    return text.replace(old, new)


def twice(name: str) -> str:
    """The fixture's ``data/<name>.yaml`` with its records written out a second time."""
    text = fixture_text(name)
    return text + text.split(f"{name}:\n", 1)[1]


# --- the fixture itself --------------------------------------------------------------------


def test_minimal_fixture_is_a_valid_project() -> None:
    project = load_project(MINIMAL)
    assert [s.id for s in project.services] == ["advice-line", "stammering-clinic"]
    assert [d.file for d in project.documents] == ["docs-page.md"]
    assert [s.id for s in project.timeline] == ["understand", "plan"]


# --- each record kind: missing, unknown, wrong type, bad term, duplicate ------------------
# (``test_schema`` checks that the editor's schemas refuse these too)

MISTAKES = [
    # site.yaml (no vocabulary terms or ids: its duplicate is a repeated key)
    pytest.param(
        "site",
        "  short_name: Minimal Project\n",
        "",
        ["data/site.yaml:1: site.short_name: is missing; this field is required"],
        id="site-missing-field",
    ),
    pytest.param(
        "site",
        "feedback_url:",
        "feedbak_url:",
        [
            "data/site.yaml:1: site.feedback_url: is missing; this field is required",
            "data/site.yaml:10: site.feedbak_url: unknown field 'feedbak_url'"
            " (did you mean 'feedback_url'?)",
        ],
        id="site-unknown-field",
    ),
    pytest.param(
        "site",
        "  organisations:\n    - Sample Council\n",
        "  organisations: Sample Council\n",
        [
            "data/site.yaml:4: site.organisations: must be a list (lines starting with '- '),"
            " not the text 'Sample Council'"
        ],
        id="site-wrong-type",
    ),
    pytest.param(
        "site",
        "  short_name: Minimal Project\n",
        "  short_name: Minimal Project\n  short_name: Minimal\n",
        ["data/site.yaml:4: site.short_name: duplicate key 'short_name' (first given on line 3)"],
        id="site-duplicate-key",
    ),
    pytest.param(
        "site",
        "    phone: 01632 960100\n    email: team@example.org\n",
        "    hours: 9 to 5\n",
        ["data/site.yaml:7: site.contact: give at least one of phone, email or address"],
        id="site-contact-without-a-way-in",
    ),
    # vocabularies.yaml
    pytest.param(
        "vocabularies",
        "      name: Family support\n",
        "",
        [
            "data/vocabularies.yaml:6: vocabularies.strands[0].name (the 1st strand, id"
            " family-support): is missing; this field is required"
        ],
        id="vocabularies-missing-field",
    ),
    pytest.param(
        "vocabularies",
        "      intro: This",
        "      intra: This",
        [
            "data/vocabularies.yaml:16: vocabularies.audiences[0].intro (the 1st audience, id"
            " parents): is missing; this field is required",
            "data/vocabularies.yaml:18: vocabularies.audiences[0].intra (the 1st audience, id"
            " parents): unknown field 'intra' (did you mean 'intro'?)",
        ],
        id="vocabularies-unknown-field",
    ),
    pytest.param(
        "vocabularies",
        "  areas:\n    - id: essex\n      name: Essex\n",
        "  areas: essex\n",
        [
            "data/vocabularies.yaml:19: vocabularies.areas: must be a list"
            " (lines starting with '- '), not the text 'essex'"
        ],
        id="vocabularies-wrong-type",
    ),
    pytest.param(
        "vocabularies",
        "id: essex",
        "id: Essex County",
        [
            "data/vocabularies.yaml:20: vocabularies.areas[0].id (the 1st area, 'Essex'):"
            " 'Essex County' is not an id: use a-z, 0-9 and hyphens"
        ],
        id="vocabularies-term-id-not-an-id",
    ),
    pytest.param(
        "vocabularies",
        "  strands:\n",
        "    - id: speech\n      name: Speech again\n  strands:\n",
        [
            "data/vocabularies.yaml:5: vocabularies.disciplines[1].id (the 2nd discipline, id"
            " speech): duplicate id 'speech' (also used on line 3)"
        ],
        id="vocabularies-duplicate-id",
    ),
    # services.yaml
    pytest.param(
        "services",
        "    organisation: Sample NHS trust\n    description: Therapy",
        "    description: Therapy",
        [
            "data/services.yaml:19: services[1].organisation (the 2nd service, id"
            " stammering-clinic): is missing; this field is required"
        ],
        id="services-missing-field",
    ),
    pytest.param(
        "services",
        "      web: https",
        "      webb: https",
        [
            "data/services.yaml:37: services[1].contact.webb (the 2nd service, id"
            " stammering-clinic): unknown field 'webb' (did you mean 'web'?)"
        ],
        id="services-unknown-field",
    ),
    pytest.param(
        "services",
        "min_age: 2",
        "min_age: two",
        [
            "data/services.yaml:28: services[1].min_age (the 2nd service, id stammering-clinic):"
            " 'two' is not a whole number"
        ],
        id="services-wrong-type",
    ),
    pytest.param(
        "services",
        "    discipline: speech\n    levels: [",
        "    discipline: speach\n    levels: [",
        [
            "data/services.yaml:23: services[1].discipline (the 2nd service, id"
            " stammering-clinic): 'speach' is not one of speech"
        ],
        id="services-unknown-term",
    ),
    # updates.yaml
    pytest.param(
        "updates",
        "    title: The project has started\n",
        "",
        [
            "data/updates.yaml:2: updates[0].title (the 1st update, id project-launch): is"
            " missing; this field is required"
        ],
        id="updates-missing-field",
    ),
    pytest.param(
        "updates",
        "summary:",
        "sumary:",
        [
            "data/updates.yaml:2: updates[0].summary (the 1st update, id project-launch): is"
            " missing; this field is required",
            "data/updates.yaml:5: updates[0].sumary (the 1st update, id project-launch): unknown"
            " field 'sumary' (did you mean 'summary'?)",
        ],
        id="updates-unknown-field",
    ),
    pytest.param(
        "updates",
        "date: 2022-03-14",
        "date: 14/03/2022",
        [
            "data/updates.yaml:3: updates[0].date (the 1st update, id project-launch):"
            " '14/03/2022' is not a real date written as"
            " YYYY-MM-DD (for 14 March 2022, write 2022-03-14)"
        ],
        id="updates-wrong-type",
    ),
    pytest.param(
        "updates",
        "[parents]",
        "[parents, teachers]",
        [
            "data/updates.yaml:7: updates[0].audiences[1] (the 1st update, id project-launch):"
            " 'teachers' is not one of parents"
        ],
        id="updates-unknown-term",
    ),
    # timeline.yaml (stages use no vocabulary: audiences is not one of their fields)
    pytest.param(
        "timeline",
        "    summary: We plan.\n",
        "",
        [
            "data/timeline.yaml:7: timeline[1].summary (the 2nd stage, id plan): is missing;"
            " this field is required"
        ],
        id="timeline-missing-field",
    ),
    pytest.param(
        "timeline",
        "    summary: We plan.\n",
        "    summary: We plan.\n    stepz: [Ask]\n",
        [
            "data/timeline.yaml:11: timeline[1].stepz (the 2nd stage, id plan): unknown field"
            " 'stepz' (did you mean 'steps'?)"
        ],
        id="timeline-unknown-field",
    ),
    pytest.param(
        "timeline",
        "start: 2023-01-01",
        "start: 2023-02-30",
        [
            "data/timeline.yaml:9: timeline[1].start (the 2nd stage, id plan): '2023-02-30' is"
            " not a real date written as YYYY-MM-DD"
        ],
        id="timeline-wrong-type",
    ),
    pytest.param(
        "timeline",
        "    summary: We plan.\n",
        "    summary: We plan.\n    audiences: [parents]\n",
        [
            "data/timeline.yaml:11: timeline[1].audiences (the 2nd stage, id plan): unknown"
            " field 'audiences' (allowed: id, title, start, end, summary, steps)"
        ],
        id="timeline-takes-no-terms",
    ),
    # documents.yaml
    pytest.param(
        "documents",
        "    title: An introduction\n",
        "",
        [
            "data/documents.yaml:2: documents[0].title (the 1st document, id introduction): is"
            " missing; this field is required"
        ],
        id="documents-missing-field",
    ),
    pytest.param(
        "documents",
        "summary:",
        "summery:",
        [
            "data/documents.yaml:2: documents[0].summary (the 1st document, id introduction): is"
            " missing; this field is required",
            "data/documents.yaml:5: documents[0].summery (the 1st document, id introduction):"
            " unknown field 'summery' (did you mean 'summary'?)",
        ],
        id="documents-unknown-field",
    ),
    pytest.param(
        "documents",
        "    file: docs-page.md\n",
        "    file: docs-page.md\n    pages: many\n",
        [
            "data/documents.yaml:8: documents[0].pages (the 1st document, id introduction):"
            " 'many' is not a whole number"
        ],
        id="documents-wrong-type",
    ),
    pytest.param(
        "documents",
        "[parents]",
        "[carers]",
        [
            "data/documents.yaml:6: documents[0].audiences[0] (the 1st document, id"
            " introduction): 'carers' is not one of parents"
        ],
        id="documents-unknown-term",
    ),
    # surveys.yaml
    pytest.param(
        "surveys",
        "    link: https://www.example.org/survey\n",
        "",
        [
            "data/surveys.yaml:2: surveys[0].link (the 1st survey, id spring-survey): is"
            " missing; this field is required"
        ],
        id="surveys-missing-field",
    ),
    pytest.param(
        "surveys",
        "closes:",
        "closses:",
        [
            "data/surveys.yaml:2: surveys[0].closes (the 1st survey, id spring-survey): is"
            " missing; this field is required",
            "data/surveys.yaml:7: surveys[0].closses (the 1st survey, id spring-survey): unknown"
            " field 'closses' (did you mean 'closes'?)",
        ],
        id="surveys-unknown-field",
    ),
    pytest.param(
        "surveys",
        "    title: Spring survey\n",
        "    title: Spring survey\n    kind: poll\n",
        [
            "data/surveys.yaml:4: surveys[0].kind (the 1st survey, id spring-survey): 'poll' is"
            " not one of survey, consultation or event"
        ],
        id="surveys-wrong-type",
    ),
    pytest.param(
        "surveys",
        "[parents]",
        "[parent]",
        [
            "data/surveys.yaml:8: surveys[0].audiences[0] (the 1st survey, id spring-survey):"
            " 'parent' is not one of parents"
        ],
        id="surveys-unknown-term",
    ),
    # one rule each, beyond a kind's missing, unknown, wrong-type and bad-term cases
    pytest.param(
        "services",
        "[targeted, specialist]",
        "[targetted, specialist]",
        [
            "data/services.yaml:24: services[1].levels[0] (the 2nd service, id"
            " stammering-clinic): 'targetted' is not one of universal, targeted, specialist"
        ],
        id="misspelt-level-lists-the-levels-there-are",
    ),
    pytest.param(
        "services",
        "levels: universal",
        "levels: targetted",
        [
            "data/services.yaml:7: services[0].levels (the 1st service, id advice-line):"
            " 'targetted' is not one of universal, targeted, specialist"
        ],
        id="misspelt-level-written-without-a-list",
    ),
    pytest.param(
        "services",
        "    name: Stammering clinic\n",
        "",
        [
            "data/services.yaml:19: services[1].name (the 2nd service, id stammering-clinic): is"
            " missing; this field is required"
        ],
        id="service-without-a-name",
    ),
    pytest.param(
        "services",
        "name: Stammering clinic",
        "name:",
        [
            "data/services.yaml:20: services[1].name (the 2nd service, id stammering-clinic): is"
            " empty; give a value or remove the line"
        ],
        id="service-with-an-empty-name",
    ),
    pytest.param(
        "services",
        "id: stammering-clinic",
        "id: advice-line",
        [
            "data/services.yaml:19: services[1].id (the 2nd service, id advice-line):"
            " duplicate id 'advice-line' (also used on line 2)"
        ],
        id="duplicate-service-id-names-the-first-line",
    ),
    pytest.param(
        "services",
        "min_age: 2",
        "min_age: 19",
        [
            "data/services.yaml:19: services[1] (the 2nd service, id stammering-clinic): min_age"
            " 19 is above max_age 18"
        ],
        id="min-age-above-max-age",
    ),
    pytest.param(
        "services",
        "max_age: 18",
        "max_age: 30",
        [
            "data/services.yaml:29: services[1].max_age (the 2nd service, id stammering-clinic):"
            " 30 is too large; the highest allowed is 25"
        ],
        id="age-above-25",
    ),
    pytest.param(
        "services",
        "stammering@example.org",
        "stammering.example.org",
        [
            "data/services.yaml:36: services[1].contact.email (the 2nd service, id"
            " stammering-clinic): 'stammering.example.org' is not an email"
        ],
        id="bad-email",
    ),
    pytest.param(
        "services",
        "0808 157 0101",
        "0808 157",
        [
            "data/services.yaml:15: services[0].contact.phone (the 1st service, id advice-line):"
            " '0808 157' is not a phone number like 0300 123 4567"
        ],
        id="bad-phone",
    ),
    *(
        pytest.param(
            "services",
            "https://www.example.org/stammering",
            url,
            [
                f"data/services.yaml:37: services[1].contact.web (the 2nd service, id"
                f" stammering-clinic): '{url}' is not a web address"
                " (https://\N{HORIZONTAL ELLIPSIS})"
            ],
            id=f"web-address-must-be-http-and-plain-{n}",
        )
        for n, url in enumerate(
            [
                "javascript:alert(1)",
                "data:text/html,<script>alert(1)</script>",
                'https://example.org/"onmouseover=alert(1)',
            ]
        )
    ),
    pytest.param(
        "services",
        "self_referral: no",
        "self_referral: maybe",
        [
            "data/services.yaml:33: services[1].access.self_referral (the 2nd service, id"
            " stammering-clinic): 'maybe' is not yes or no"
        ],
        id="self-referral-must-be-yes-or-no",
    ),
    pytest.param(
        "services",
        "    cost: Free\n",
        "    cost: Free\n    status: closed\n",
        [
            "data/services.yaml:35: services[1].status (the 2nd service, id stammering-clinic):"
            " 'closed' is not one of active, inactive, defunct or temporarily closed"
        ],
        id="unknown-status-lists-the-statuses",
    ),
    pytest.param(
        "timeline",
        "start: 2023-01-01",
        "start: 2022-12-01",
        [
            "data/timeline.yaml:9: timeline[1].start (the 2nd stage, id plan): starts"
            " 2022-12-01, before the stage before"
            " ('Understand') ends on 2022-12-31; stages must not overlap"
        ],
        id="overlapping-stages-are-reported-at-the-later-stage-start",
    ),
    pytest.param(
        "timeline",
        "    end: 2022-12-31\n",
        "",
        [
            "data/timeline.yaml:8: timeline[1].start (the 2nd stage, id plan): the stage before"
            " ('Understand') has no end date, so none can follow it"
        ],
        id="no-stage-can-follow-one-without-an-end",
    ),
    pytest.param(
        "timeline",
        "end: 2022-12-31",
        "end: 2022-01-31",
        [
            "data/timeline.yaml:2: timeline[0] (the 1st stage, id understand): ends (2022-01-31)"
            " before it starts (2022-02-01)"
        ],
        id="stage-ending-before-it-starts",
    ),
    pytest.param(
        "documents",
        "file: docs-page.md",
        "file: missing.md",
        [
            "data/documents.yaml:7: documents[0].file (the 1st document, id introduction):"
            " 'missing.md' is not a file in content/"
        ],
        id="document-file-that-does-not-exist",
    ),
    pytest.param(
        "documents",
        "    file: docs-page.md\n",
        "    file: docs-page.md\n    url: https://www.example.org/intro.pdf\n",
        [
            "data/documents.yaml:2: documents[0] (the 1st document, id introduction): give"
            " exactly one of file or url"
        ],
        id="document-with-both-file-and-url",
    ),
    pytest.param(
        "documents",
        "    file: docs-page.md\n",
        "",
        [
            "data/documents.yaml:2: documents[0] (the 1st document, id introduction): give"
            " exactly one of file or url"
        ],
        id="document-with-neither-file-nor-url",
    ),
    *(
        pytest.param(
            "documents",
            "file: docs-page.md",
            f"file: '{path}'",
            [
                f"data/documents.yaml:7: documents[0].file (the 1st document, id introduction):"
                f" '{path}' must be a path inside"
                " content/, like documents/plan.pdf"
            ],
            id=f"document-file-must-stay-inside-content-{n}",
        )
        for n, path in enumerate(
            ["../secret.txt", "/etc/passwd", "docs/../../secret.txt", "C:/secret.txt", "a\\b.md"]
        )
    ),
    pytest.param(
        "surveys",
        "closes: 2026-04-30",
        "closes: 2026-02-28",
        [
            "data/surveys.yaml:2: surveys[0] (the 1st survey, id spring-survey): closes"
            " (2026-02-28) before it opens (2026-03-01)"
        ],
        id="survey-closing-before-it-opens",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "expected"), MISTAKES)
def test_each_mistake_is_reported_exactly(
    tmp_path: Path, name: str, old: str, new: str, expected: list[str]
) -> None:
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")  # never to be read
    root = write_project(tmp_path, **{name: edited(name, old, new)})
    assert problems(root) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "updates",
            [
                "data/updates.yaml:8: updates[1].id (the 2nd update, id project-launch):"
                " duplicate id 'project-launch' (also used on line 2)"
            ],
        ),
        (
            "documents",
            [
                "data/documents.yaml:8: documents[1].id (the 2nd document, id introduction):"
                " duplicate id 'introduction' (also used on line 2)"
            ],
        ),
        (
            "surveys",
            [
                "data/surveys.yaml:9: surveys[1].id (the 2nd survey, id spring-survey):"
                " duplicate id 'spring-survey' (also used on line 2)"
            ],
        ),
        (  # the repeated stages also follow one that has no end
            "timeline",
            [
                "data/timeline.yaml:11: timeline[2].id (the 3rd stage, id understand): duplicate"
                " id 'understand' (also used on line 2)",
                "data/timeline.yaml:13: timeline[2].start (the 3rd stage, id understand): the"
                " stage before ('Plan') has no end date, so none can follow it",
                "data/timeline.yaml:16: timeline[3].id (the 4th stage, id plan): duplicate id"
                " 'plan' (also used on line 7)",
            ],
        ),
    ],
)
def test_a_record_written_twice_is_a_duplicate_id_naming_the_first_line(
    tmp_path: Path, name: str, expected: list[str]
) -> None:
    assert problems(write_project(tmp_path, **{name: twice(name)})) == expected


# --- services --------------------------------------------------------------------------------


def test_a_single_level_may_be_written_without_a_list() -> None:
    advice_line = load_project(MINIMAL).services[0]
    assert advice_line.levels == ["universal"]
    assert advice_line.delivery == ["clinic"]


def test_yes_and_no_are_booleans_where_the_field_is_yes_or_no() -> None:
    advice_line, clinic = load_project(MINIMAL).services
    assert advice_line.access.self_referral is True
    assert clinic.access.self_referral is False


@pytest.mark.parametrize("phone", ["01632 960000", "01234567012", "+44 1632 960000"])
def test_phone_numbers_keep_their_leading_zero(tmp_path: Path, phone: str) -> None:
    """``01234567012`` is an octal number to YAML 1.1; here it stays as written."""
    root = write_project(tmp_path, services=edited("services", "0808 157 0101", phone))
    assert load_project(root).services[0].contact.phone == phone


@pytest.mark.parametrize("word", ["no", "yes", "on", "off", "true", "1_000", "0x1F", "9:30"])
def test_yes_no_on_and_numbers_typed_into_a_text_field_stay_text(tmp_path: Path, word: str) -> None:
    """YAML 1.1 would make these False, True, 1000, 31 and 570 (sexagesimal)."""
    services = edited("services", "cost: Free", f"cost: {word}")
    services = services.replace("name: Advice line", f"name: {word}")
    root = write_project(tmp_path, services=services)
    advice_line, clinic = load_project(root).services
    assert clinic.cost == word
    assert advice_line.name == word


def test_age_with_a_leading_zero_is_decimal_not_octal(tmp_path: Path) -> None:
    root = write_project(tmp_path, services=edited("services", "min_age: 2", "min_age: 010"))
    assert load_project(root).services[1].min_age == 10


# --- documents -------------------------------------------------------------------------------


def test_document_with_a_url_only_is_fine(tmp_path: Path) -> None:
    documents = edited("documents", "file: docs-page.md", "url: https://www.example.org/intro.pdf")
    project = load_project(write_project(tmp_path, documents=documents))
    assert project.documents[0].url == "https://www.example.org/intro.pdf"


# --- every problem at once -------------------------------------------------------------------


def test_all_problems_in_all_files_come_in_one_run_sorted_by_file_then_line(
    tmp_path: Path,
) -> None:
    root = write_project(
        tmp_path,
        updates=edited("updates", "[parents]", "[teachers]"),
        timeline=edited("timeline", "start: 2023-01-01", "start: 2022-12-01"),
        surveys=edited("surveys", "closes: 2026-04-30", "closes: 2026-02-28"),
        services=edited("services", "stammering@example.org", "stammering.example.org").replace(
            "levels: universal", "levels: targetted"
        ),
        documents=edited("documents", "file: docs-page.md", "file: missing.md"),
    )
    assert problems(root) == [
        "data/documents.yaml:7: documents[0].file (the 1st document, id introduction):"
        " 'missing.md' is not a file in content/",
        "data/services.yaml:7: services[0].levels (the 1st service, id advice-line): 'targetted'"
        " is not one of universal, targeted, specialist",
        "data/services.yaml:36: services[1].contact.email (the 2nd service, id"
        " stammering-clinic): 'stammering.example.org' is not an email",
        "data/surveys.yaml:2: surveys[0] (the 1st survey, id spring-survey): closes (2026-02-28)"
        " before it opens (2026-03-01)",
        "data/timeline.yaml:9: timeline[1].start (the 2nd stage, id plan): starts 2022-12-01,"
        " before the stage before ('Understand') ends on 2022-12-31; stages must not overlap",
        "data/updates.yaml:7: updates[0].audiences[0] (the 1st update, id project-launch):"
        " 'teachers' is not one of parents",
    ]


def test_a_mistake_in_site_yaml_does_not_hide_term_checks_elsewhere(tmp_path: Path) -> None:
    """site.yaml holds no terms, so a typo there is no reason to skip the services' checks."""
    root = write_project(
        tmp_path,
        site=edited("site", "team@example.org", "team-at-example.org"),
        services=edited("services", "levels: universal", "levels: targetted"),
    )
    assert problems(root) == [
        "data/services.yaml:7: services[0].levels (the 1st service, id advice-line): 'targetted'"
        " is not one of universal, targeted, specialist",
        "data/site.yaml:9: site.contact.email: 'team-at-example.org' is not an email",
    ]


def test_valid_records_are_cross_checked_beside_invalid_ones(tmp_path: Path) -> None:
    services = edited("services", "min_age: 2", "min_age: two").replace(
        "levels: universal", "levels: targetted"
    )
    assert problems(write_project(tmp_path, services=services)) == [
        "data/services.yaml:7: services[0].levels (the 1st service, id advice-line): 'targetted'"
        " is not one of universal, targeted, specialist",
        "data/services.yaml:28: services[1].min_age (the 2nd service, id stammering-clinic):"
        " 'two' is not a whole number",
    ]


def test_one_service_with_two_mistakes_gets_both_reported(tmp_path: Path) -> None:
    """A bad phone must not hide the misspelt level of the same record until the next run."""
    services = edited("services", "0808 157 0101", "0808 157").replace(
        "levels: universal", "levels: targetted"
    )
    assert problems(write_project(tmp_path, services=services)) == [
        "data/services.yaml:7: services[0].levels (the 1st service, id advice-line): 'targetted'"
        " is not one of universal, targeted, specialist",
        "data/services.yaml:15: services[0].contact.phone (the 1st service, id advice-line):"
        " '0808 157' is not a phone number like 0300 123 4567",
    ]
