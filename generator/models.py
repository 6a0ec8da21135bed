"""The closed schema of every record kind, one class each; the data files' reference.

Every model forbids unknown keys (a typo must not silently drop a field), and every scalar
arrives from ``load`` as text, so pydantic's type conversion is the only place where
``"12"`` becomes a number, ``"yes"`` a boolean or ``"2024-03-01"`` a date. Vocabularies
(disciplines, strands, levels, audiences, areas, needs, delivery settings) are data in
``data/vocabularies.yaml``; fields that use them hold term ids and are checked against that
file in ``validate``. Service fields map onto Open Referral UK 3.0 (see ``oruk_service``).
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    model_validator,
)

from .errors import Problem, shown
from .sanitise import MarkdownError, markdown_html


class Record(BaseModel):
    """Base of every record: closed, immutable, surrounding spaces trimmed."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    #: Where the record was typed, set by ``validate``: a function from a field's path
    #: to a located problem (so later checks never look records up by list position).
    _locate: Any = PrivateAttr(default=None)

    def problem(self, field: str | None, message: str) -> Problem:
        """A problem with ``field`` of this record (or the whole record), at its line."""
        if self._locate is None:
            return Problem("(unknown)", 1, field or "", message)
        located: Problem = self._locate((field,) if field else (), message)
        return located


def _check(pattern: str, what: str) -> AfterValidator:
    regex = re.compile(pattern)

    def check(value: str) -> str:
        if not regex.fullmatch(value):
            raise ValueError(f"'{shown(value)}' is not {what}")
        return value

    return AfterValidator(check)


def _as_list(value: Any) -> Any:
    """Let people write ``levels: universal`` for a one-item list."""
    return [value] if isinstance(value, str) else value


class Prose(str):
    """Markdown typed in YAML, with its sanitised HTML, made once when it is validated.

    Templates print it as that HTML (``__html__``), so it is never escaped twice, and never
    trusted raw. ``origin`` is the field's ``file:line: where``, for link problems found
    when pages are put together.
    """

    html: str
    origin: Problem | None = None

    def __html__(self) -> str:
        return self.html


def _prose(value: str) -> Prose:
    try:
        html = markdown_html(value)
    except MarkdownError as exc:
        raise ValueError(str(exc)) from None
    prose = Prose(value)
    prose.html = html
    return prose


#: Non-empty text; may be several lines in YAML but is shown as plain text.
Text = Annotated[str, Field(min_length=1, max_length=20_000)]
#: Markdown text: headings (###), lists, emphasis and links; raw HTML is removed.
Markdown = Annotated[str, Field(min_length=1, max_length=50_000), AfterValidator(_prose)]
#: Lower-case id used in page addresses: letters, digits and single hyphens.
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MAX_ID = 60  # page file names stay far below every file system's limit


def _slug(value: str) -> str:
    if len(value) > MAX_ID:
        raise ValueError(f"is {len(value)} characters long; an id may have at most {MAX_ID}")
    if not SLUG.fullmatch(value):
        raise ValueError(f"'{shown(value)}' is not an id: use a-z, 0-9 and hyphens")
    return value


Slug = Annotated[str, AfterValidator(_slug)]


def _sane_date(value: date) -> date:
    if not date(1900, 1, 1) <= value <= date(2100, 12, 31):
        raise ValueError(f"{value} is not a date between 1900 and 2100")
    return value


Date = Annotated[date, AfterValidator(_sane_date)]
#: A web address people can open: only https and http (no javascript: or data:).
WebUrl = Annotated[str, _check(r"https?://[^\s<>\"'`]+\.[^\s<>\"'`]+", "a web address (https://…)")]
#: An email address.
Email = Annotated[str, _check(r"[^@\s<>()\[\]\"',;:]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", "an email")]
#: A UK phone number as people dial it: 10 or 11 digits with optional spaces, or +44 form.
Phone = Annotated[str, _check(r"(\+44\s?|0)\d(\s?\d){8,9}", "a phone number like 0300 123 4567")]


def _in(vocabulary: str) -> AfterValidator:
    """A term id that must be in ``vocabulary``, when validation is given the vocabularies
    as context (``validate`` reads ``vocabularies.yaml`` first, then the records)."""

    def check(value: str, info: ValidationInfo) -> str:
        context = info.context or {}
        if "terms" in context and value not in context["terms"][vocabulary]:
            raise ValueError(f"'{value}' is not one of {context['choices'][vocabulary]}")
        return value

    return AfterValidator(check)


#: Fields holding ids of a vocabulary; in lists, one id may be written without a list.
DisciplineId = Annotated[Slug, _in("disciplines")]
LevelIds = Annotated[
    list[Annotated[Slug, _in("levels")]], BeforeValidator(_as_list), Field(min_length=1)
]
StrandIds = Annotated[
    list[Annotated[Slug, _in("strands")]], BeforeValidator(_as_list), Field(min_length=1)
]
AudienceIds = Annotated[
    list[Annotated[Slug, _in("audiences")]], BeforeValidator(_as_list), Field(min_length=1)
]
AreaIds = Annotated[
    list[Annotated[Slug, _in("areas")]], BeforeValidator(_as_list), Field(min_length=1)
]
DeliveryIds = Annotated[
    list[Annotated[Slug, _in("delivery")]], BeforeValidator(_as_list), Field(min_length=1)
]
NeedIds = Annotated[list[Annotated[Slug, _in("needs")]], BeforeValidator(_as_list)]
Age = Annotated[int, Field(ge=0, le=25)]


# --- vocabularies.yaml ------------------------------------------------------------------


class Term(Record):
    """One entry of a vocabulary."""

    id: Slug
    name: Text
    description: Text | None = None
    plain: Text | None = None  # the name in families' words: "Help for every child"
    explain: Text | None = None  # one line in families' words, shown beside the plain name
    synonyms: list[Text] = []  # other words search finds it by: "autism", a town in an area


class AudienceTerm(Term):
    """An audience also gets a landing page, which opens with ``intro``."""

    intro: Markdown
    plain_words: bool = False  # its page names terms by their ``plain`` names (families)
    reading: Literal["adult", "child"] = "adult"  # "child": its page is written for 8-11s


class Vocabularies(Record):
    disciplines: list[Term] = Field(min_length=1)
    strands: list[Term] = Field(min_length=1)
    levels: list[Term] = Field(min_length=1)
    audiences: list[AudienceTerm] = Field(min_length=1)
    areas: list[Term] = Field(min_length=1)
    needs: list[Term] = []
    delivery: list[Term] = Field(min_length=1)  # settings a service is delivered in


# --- site.yaml ----------------------------------------------------------------------------


class ContactDetails(Record):
    """How to reach the project team, also the "get this information another way" route."""

    phone: Phone | None = None
    email: Email | None = None
    address: Text | None = None
    hours: Text | None = None

    @model_validator(mode="after")
    def _some_way(self) -> ContactDetails:
        if not (self.phone or self.email or self.address):
            raise ValueError("give at least one of phone, email or address")
        return self


class Link(Record):
    title: Text
    url: WebUrl
    description: Text | None = None


def _printable_as_is(value: str) -> str:
    """The theme prints the site's short name as it is, in text and in attributes."""
    if found := re.search(r"[<>\"`]", value):
        raise ValueError(f"cannot hold {found.group()}; the theme prints the name as it is")
    return value


class Site(Record):
    """Project-wide settings shown on the home page and every page's footer."""

    name: Text  # the project's full name, on the home page
    short_name: Annotated[Text, AfterValidator(_printable_as_is)]  # header and page titles
    description: Text | None = None  # one sentence for search engines and link previews
    site_url: WebUrl | None = None  # where the site is published, e.g. https://example.org/offer/
    work: Text = "project"  # the word for the work: "project", "programme", "service"…
    organisations: list[Text] = Field(min_length=1)  # who commissions and runs the project
    summary: Markdown  # what the project is, opening the home page
    contact: ContactDetails
    feedback_url: WebUrl  # "tell us what you think" on every page
    other_formats: Markdown  # how to get the information without the internet
    help_links: list[Link] = []  # impartial advice (SENDIASS), complaints, EHC assessment
    review_months: Annotated[int, Field(ge=1, le=60)] = 12  # a service is stale after this


# --- services.yaml ------------------------------------------------------------------------


class Access(Record):
    """How a family gets the service (SEND Regulations Schedule 2)."""

    referral_route: Text
    who_can_refer: list[Text] = []
    self_referral: bool
    referral_form: WebUrl | None = None  # for professionals: where the form is


class ServiceContact(Record):
    phone: Phone | None = None
    email: Email | None = None
    web: WebUrl | None = None

    @model_validator(mode="after")
    def _some_way(self) -> ServiceContact:
        if not (self.phone or self.email or self.web):
            raise ValueError("give at least one of phone, email or web")
        return self


class Location(Record):
    name: Text
    address: Text | None = None
    postcode: (
        Annotated[str, _check(r"[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}", "a UK postcode")] | None
    ) = None
    accessibility: Text | None = None  # step-free access, parking, hearing loop…


class Service(Record):
    """One service of the offer. ORUK 3.0 names in brackets where they differ."""

    id: Slug
    name: Text
    summary: Annotated[str, Field(min_length=1, max_length=200)] | None = None  # one line
    status: Literal["active", "inactive", "defunct", "temporarily closed"] = "active"
    organisation: Text  # (organization.name)
    description: Markdown
    discipline: DisciplineId  # (attributes: discipline taxonomy)
    levels: LevelIds  # Balanced System levels (attributes)
    strands: StrandIds  # Balanced System strands (attributes)
    audiences: AudienceIds
    needs: NeedIds = []
    min_age: Age | None = None  # (minimum_age)
    max_age: Age | None = None  # (maximum_age)
    eligibility: Text  # (eligibilitys)
    access: Access
    cost: Text = "Free"  # (cost_options)
    contact: ServiceContact  # (email, url, contacts.phones)
    delivery: DeliveryIds  # clinic, school, home, online… (attributes)
    locations: list[Location] = []  # (service_at_locations)
    opening_times: Text | None = None  # (schedules.description)
    areas: AreaIds  # (service_areas)
    last_reviewed: Date  # (assured_date)

    def review_due_after(self, months: int) -> date:
        """The day this entry falls out of date: ``months`` after ``last_reviewed``."""
        reviewed = self.last_reviewed
        total = reviewed.month - 1 + months
        year, month = reviewed.year + total // 12, total % 12 + 1
        return date(year, month, min(reviewed.day, monthrange(year, month)[1]))

    @model_validator(mode="after")
    def _ages(self) -> Service:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError(f"min_age {self.min_age} is above max_age {self.max_age}")
        return self


# --- updates.yaml, timeline.yaml, documents.yaml, surveys.yaml ----------------------------


class Update(Record):
    """A piece of project news; it gets a page of its own."""

    id: Slug
    date: Date
    title: Text
    summary: Text
    body: Markdown
    audiences: AudienceIds


class Stage(Record):
    """A stage of the project timeline; ``end`` left out means "onwards"."""

    id: Slug
    title: Text
    start: Date
    end: Date | None = None
    summary: Text
    steps: list[Text] = []

    @model_validator(mode="after")
    def _order(self) -> Stage:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"ends ({self.end}) before it starts ({self.start})")
        return self


class Document(Record):
    """A document: a page or file under ``content/`` (``file``) or elsewhere (``url``)."""

    id: Slug
    title: Text
    date: Date
    summary: Text
    audiences: AudienceIds
    file: Text | None = None  # path under content/, e.g. documents/introduction.md
    url: WebUrl | None = None
    format: Text | None = None  # for url: e.g. "PDF"; worked out from the name for file
    size: Text | None = None  # for url: e.g. "1.2 MB"; measured for file
    pages: Annotated[int, Field(ge=1)] | None = None  # for PDFs

    @model_validator(mode="after")
    def _one_place(self) -> Document:
        if (self.file is None) == (self.url is None):
            raise ValueError("give exactly one of file or url")
        return self


class Outcome(Record):
    """What was heard and what changed: the published response ("You said, we did")."""

    published: Date
    heard: list[Text] = Field(min_length=1)
    changed: list[Text] = Field(min_length=1)


class Survey(Record):
    """A survey, consultation or event; open or not is worked out from the dates."""

    id: Slug
    title: Text
    kind: Literal["survey", "consultation", "event"] = "survey"
    summary: Text
    link: WebUrl
    opens: Date
    closes: Date
    audiences: AudienceIds
    other_ways: Text | None = None  # how to take part without the link
    outcome: Outcome | None = None

    @model_validator(mode="after")
    def _order(self) -> Survey:
        if self.closes < self.opens:
            raise ValueError(f"closes ({self.closes}) before it opens ({self.opens})")
        return self


# --- accessibility.yaml --------------------------------------------------------------------

#: A WCAG success criterion's number, such as 1.4.3 or 2.4.11.
Criterion = Annotated[str, _check(r"[1-4]\.[1-9]\.[1-9][0-9]?", "a WCAG criterion such as 1.4.3")]


class KnownIssue(Record):
    """A part of the site that fails WCAG (GOV.UK's "non-compliance with the regulations")."""

    issue: Text  # what people meet, in plain words
    criterion: Criterion  # the WCAG 2.2 success criterion it fails
    plan: Text  # what will be done about it
    fix_by: Date  # when it will be fixed


class Exemption(Record):
    """Content that is not fixed, and why: a disproportionate burden, or out of scope."""

    content: Text  # what it is
    reason: Text  # why it is not fixed (the assessment, or the regulation that exempts it)


class Accessibility(Record):
    """The accessibility statement, in the sections of GOV.UK's model statement."""

    scope: Text  # which website(s) the statement covers
    tested: Date  # when the website was last tested; ``check`` warns after a year
    tested_by: Text  # who tested it
    method: list[Text] = Field(min_length=1)  # how it was tested, one way per item
    prepared: Date  # when the statement was first prepared
    reviewed: Date  # when it was last reviewed
    response_days: Annotated[int, Field(ge=1, le=60)] = 10  # working days to answer a request
    known_issues: list[KnownIssue] = []  # empty only while the tests find nothing
    disproportionate_burden: list[Exemption] = []
    not_in_scope: list[Exemption] = []
    improvements: list[Text] = []  # what is being done to improve accessibility


# --- the files ----------------------------------------------------------------------------


class SiteFile(Record):
    site: Site


class VocabulariesFile(Record):
    vocabularies: Vocabularies


class ServicesFile(Record):
    services: list[Service] = []


class UpdatesFile(Record):
    updates: list[Update] = []


class TimelineFile(Record):
    timeline: list[Stage] = []


class DocumentsFile(Record):
    documents: list[Document] = []


class SurveysFile(Record):
    surveys: list[Survey] = []


class AccessibilityFile(Record):
    accessibility: Accessibility


#: The files that hold a list of records, and the key of that list.
RECORD_FILES = {
    "services.yaml": "services",
    "updates.yaml": "updates",
    "timeline.yaml": "timeline",
    "documents.yaml": "documents",
    "surveys.yaml": "surveys",
}

#: Each data file, its schema, and whether a project must have it.
FILES: dict[str, tuple[type[Record], bool]] = {
    "site.yaml": (SiteFile, True),
    "vocabularies.yaml": (VocabulariesFile, True),
    "services.yaml": (ServicesFile, True),
    "updates.yaml": (UpdatesFile, False),
    "timeline.yaml": (TimelineFile, False),
    "documents.yaml": (DocumentsFile, False),
    "surveys.yaml": (SurveysFile, False),
    "accessibility.yaml": (AccessibilityFile, False),  # else content/accessibility.md
}

#: Folders of data/ whose ``*.yaml`` files each hold records shaped like one data file, so a
#: large offer can keep a file a provider: ``data/services/acme.yaml`` is read as a
#: ``services.yaml`` (either or both may be there).
FOLDERS = {"services": "services.yaml"}


# --- content/ pages ------------------------------------------------------------------------


class PageMeta(Record):
    """What the front matter of a page in content/ may set; anything else is refused."""

    title: Text | None = None  # otherwise the page's first "# heading"
    description: Text | None = None  # for search engines and link previews


class Page(BaseModel):
    """A markdown page of content/, rendered and sanitised: only its HTML is published."""

    model_config = ConfigDict(frozen=True)

    path: str  # under content/, e.g. documents/easy-read-guide.md
    title: str
    description: str | None
    html: str  # sanitised; its own links are ``site:`` links
