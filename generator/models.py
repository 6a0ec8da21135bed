"""The closed schema of every record kind, one class each; the data files' reference.

Every model forbids unknown keys (a typo must not silently drop a field), and every scalar
arrives from ``load`` as text, so pydantic's type conversion is the only place where
``"12"`` becomes a number, ``"yes"`` a boolean or ``"2024-03-01"`` a date. Vocabularies
(disciplines, strands, levels, audiences, areas, needs, delivery settings) are data in
``data/vocabularies.yaml``; fields that use them hold term ids and are checked against that
file in ``validate``. Service fields map onto Open Referral UK 3.0 (see ``oruk_service``).

Each field's docstring is what an editor shows beside it (``schema`` turns these models into
the JSON Schemas VS Code reads), so it is written for the people who edit the data. What an
``AfterValidator`` checks is invisible to a JSON Schema, so each such check also carries the
schema keywords that say the same (``_check``'s pattern, ``_term``'s vocabulary).
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
import typing
from calendar import monthrange
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PrivateAttr,
    ValidationInfo,
    model_validator,
)

from . import contrast
from .errors import Problem, shown
from .sanitise import MarkdownError, markdown_html


class Record(BaseModel):
    """Base of every record: closed, immutable, surrounding spaces trimmed."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, use_attribute_docstrings=True
    )
    #: Where the record was typed, set by ``validate``: a function from a field's path
    #: to a located problem (so later checks never look records up by list position).
    _locate: Any = PrivateAttr(default=None)

    def model_post_init(self, context: Any) -> None:
        """Learn where the record was typed while it is validated (``validate`` passes the
        locator for the record it validates in the context), never by a change later."""
        if isinstance(context, dict) and context.get("record") is type(self):
            self._locate = context["locate"]

    @classmethod
    def across(cls, records: list[Any], content: Mapping[str, object]) -> list[Problem]:
        """What is wrong among the records of this kind taken together (the stages' order),
        or with ``content/`` (a document's file): the rules one record cannot check."""
        return []

    @classmethod
    def against(cls, records: list[Any], every: Mapping[str, list[Any]]) -> list[Problem]:
        """What is wrong with the records of this kind given every kind's records (by the
        kind's name): the ids of other records they name (a comment's services)."""
        return []

    def typed_in(self) -> str:
        """The file the record was typed in (what ``problem`` would name, found at once)."""
        file = getattr(self._locate, "file", None)
        return file if isinstance(file, str) else self.problem(None, "").file

    def problem(self, field: str | tuple[str | int, ...] | None, message: str) -> Problem:
        """A problem with ``field`` of this record (or the whole record), at its line; a
        tuple is a path inside the record, such as ``("brand", "logos", 0, "image")``."""
        loc = (field,) if isinstance(field, str) else field or ()
        if self._locate is None:
            return Problem("(unknown)", 1, ".".join(map(str, loc)), message)
        located: Problem = self._locate(loc, message)
        return located


class _Checked:
    """A check pydantic runs on a parsed value, and the JSON Schema keywords that tell an
    editor the same (a JSON Schema cannot see inside a validator function)."""

    def __init__(self, func: Callable[..., Any], **keywords: Any) -> None:
        self.func, self.keywords = func, keywords

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return AfterValidator(self.func).__get_pydantic_core_schema__(source, handler)

    def __get_pydantic_json_schema__(self, core: Any, handler: GetJsonSchemaHandler) -> Any:
        return {**handler(core), **self.keywords}


def _check(pattern: str, what: str, *, digits: bool = False) -> _Checked:
    """Text that must match ``pattern``; with ``digits`` the schema also takes a whole
    number (YAML 1.2 reads ``01632960000`` as one, where ``check`` keeps the text)."""
    regex = re.compile(pattern)

    def check(value: str) -> str:
        if not regex.fullmatch(value):
            raise ValueError(f"'{shown(value)}' is not {what}")
        return value

    return _Checked(check, pattern=f"^(?:{pattern})$", **({"x-digits": True} if digits else {}))


def _as_list(value: Any) -> Any:
    """Let people write ``levels: universal`` for a one-item list."""
    return [value] if isinstance(value, str) else value


class Prose(str):
    """Markdown typed in YAML, with its sanitised HTML, made once when it is validated.

    Templates print it as that HTML (``__html__``), so it is never escaped twice, and never
    trusted raw. (``Project.prose`` knows where each was typed.)
    """

    html: str

    def __html__(self) -> str:
        return self.html


def prose_html(value: str, info: ValidationInfo) -> Prose:
    """The field's clean HTML, made once, as it is validated (remembered in the run's
    ``Memo``, which ``validate`` gives in the context)."""
    memo = info.context.get("memo") if isinstance(info.context, dict) else None
    try:
        html = markdown_html(value, memo=memo)
    except MarkdownError as exc:
        raise ValueError(str(exc)) from None
    prose = Prose(value)
    prose.html = html
    return prose


#: Non-empty text; may be several lines in YAML but is shown as plain text.
Text = Annotated[str, Field(min_length=1, max_length=20_000)]
#: Markdown text: headings (###), lists, emphasis and links; raw HTML is removed.
Markdown = Annotated[
    str,
    Field(min_length=1, max_length=50_000),
    AfterValidator(prose_html),
]
#: Lower-case id used in page addresses: letters, digits and single hyphens.
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MAX_ID = 60  # page file names stay far below every file system's limit


def _slug(value: str) -> str:
    if len(value) > MAX_ID:
        raise ValueError(f"is {len(value)} characters long; an id may have at most {MAX_ID}")
    if not SLUG.fullmatch(value):
        raise ValueError(f"'{shown(value)}' is not an id: use a-z, 0-9 and hyphens")
    return value


Slug = Annotated[
    str, _Checked(_slug, pattern=f"^{SLUG.pattern}$", maxLength=MAX_ID, **{"x-digits": True})
]


def _sane_date(value: date) -> date:
    if not date(1900, 1, 1) <= value <= date(2100, 12, 31):
        raise ValueError(f"{value} is not a date between 1900 and 2100")
    return value


Date = Annotated[date, _Checked(_sane_date, pattern=r"^(?:19\d\d|20\d\d|2100)-\d\d-\d\d$")]
#: A web address people can open: only https and http (no javascript: or data:).
WebUrl = Annotated[
    str, _check(r"""https?://[^\s<>"'`]+\.[^\s<>"'`]+""", "a web address (https://…)")
]
#: Where a site is published: the builder makes every page's address from it, so it holds
#: only what an address of a folder needs (no query, no fragment, nothing to escape).
SiteUrl = Annotated[
    str,
    _check(
        r"https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:[0-9]{1,5})?(/[A-Za-z0-9._~%!$()*+,;=:@/-]*)?",
        "the address of a web folder, such as https://www.example.org/local-offer/ "
        "(no spaces, quotes, &, ? or #)",
    ),
]
#: What an email address, a UK phone number and a UK postcode look like (fields that hold
#: one, and text that must not: ``Anonymous``).
EMAIL = r"""[^@\s<>()\[\]"',;:]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+"""
PHONE = r"(\+44\s?|0)\d(\s?\d){8,9}"
POSTCODE = r"[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}"
#: An email address.
Email = Annotated[str, _check(EMAIL, "an email")]
#: A UK phone number as people dial it: 10 or 11 digits with optional spaces, or +44 form.
Phone = Annotated[str, _check(PHONE, "a phone number like 0300 123 4567", digits=True)]


def _in(vocabulary: str) -> _Checked:
    """A term id that must be in ``vocabulary``, when validation is given the vocabularies
    as context (``validate`` reads ``vocabularies.yaml`` first, then the records); the
    schema lists the project's ids there (``schema``)."""

    def check(value: str, info: ValidationInfo) -> str:
        context = info.context or {}
        if "terms" in context and value not in context["terms"][vocabulary]:
            raise ValueError(f"'{value}' is not one of {context['choices'][vocabulary]}")
        return value

    return _Checked(check, **{"x-vocabulary": vocabulary})


#: A list that may be written as its one item (``levels: universal``); the schema says so
#: too (``schema`` turns the mark into "one item, or a list of them").
AsList = BeforeValidator(_as_list)
ONE_OR_LIST: dict[str, Any] = {"x-one-or-list": True}
OneOrMore = Field(min_length=1, json_schema_extra=ONE_OR_LIST)

#: Fields holding ids of a vocabulary; in lists, one id may be written without a list.
DisciplineId = Annotated[Slug, _in("disciplines")]
LevelIds = Annotated[list[Annotated[Slug, _in("levels")]], AsList, OneOrMore]
StrandIds = Annotated[list[Annotated[Slug, _in("strands")]], AsList, OneOrMore]
AudienceIds = Annotated[list[Annotated[Slug, _in("audiences")]], AsList, OneOrMore]
AreaIds = Annotated[list[Annotated[Slug, _in("areas")]], AsList, OneOrMore]
DeliveryIds = Annotated[list[Annotated[Slug, _in("delivery")]], AsList, OneOrMore]
NeedIds = Annotated[
    list[Annotated[Slug, _in("needs")]],
    AsList,
    Field(json_schema_extra=ONE_OR_LIST),
]
Age = Annotated[int, Field(ge=0, le=25)]


# --- vocabularies.yaml ------------------------------------------------------------------


class Term(Record):
    """One entry of a vocabulary."""

    id: Slug
    """The id that records use for this term: a-z, 0-9 and hyphens, such as speech-therapy."""
    name: Text
    """The term's name, as professionals know it."""
    description: Text | None = None
    """A sentence on what the term means."""
    plain: Text | None = None
    """The name in families' words, such as "Help for every child"."""
    explain: Text | None = None
    """One line in families' words, shown beside the plain name."""
    synonyms: list[Text] = []
    """Other words search finds it by, such as "autism", or the towns of an area."""


class AudienceTerm(Term):
    """An audience also gets a landing page, which opens with ``intro``."""

    intro: Markdown
    """Markdown that opens the audience's landing page."""
    plain_words: bool = False
    """yes: the audience's page names terms by their plain names (for families)."""
    reading: Literal["adult", "child"] = "adult"
    """child: the audience's page is written for children and young people to read
    themselves, in a part for ages 8 to 11 and a part for 12 or older."""


class Vocabularies(Record):
    """The word lists that the other data files use, by each term's id."""

    disciplines: list[Term] = Field(min_length=1)
    """The therapies, such as speech and language therapy and physiotherapy."""
    strands: list[Term] = Field(min_length=1)
    """The Balanced System® strands, such as family support."""
    levels: list[Term] = Field(min_length=1)
    """The Balanced System® levels: universal, targeted and specialist."""
    audiences: list[AudienceTerm] = Field(min_length=1)
    """Who the site speaks to; each audience gets a landing page."""
    areas: list[Term] = Field(min_length=1)
    """The areas that services cover."""
    needs: list[Term] = []
    """Needs that families look for help with, such as stammering."""
    delivery: list[Term] = Field(min_length=1)
    """Where a service is delivered: clinic, school, home, online…"""

    def by_id(self) -> dict[str, dict[str, Term]]:
        """Every vocabulary's terms by id: the one lookup that checks, pages and the open
        data use (made once by each; a county's vocabulary can hold thousands of areas)."""
        return {name: {t.id: t for t in getattr(self, name)} for name in type(self).model_fields}


# --- site.yaml ----------------------------------------------------------------------------


class ContactDetails(Record):
    """How to reach the project team, also the "get this information another way" route."""

    model_config = ConfigDict(
        json_schema_extra={"anyOf": [{"required": [k]} for k in ("phone", "email", "address")]}
    )

    phone: Phone | None = None
    """A UK phone number, such as 0300 123 4567."""
    email: Email | None = None
    """An email address."""
    address: Text | None = None
    """A postal address."""
    hours: Text | None = None
    """When someone answers, such as "Monday to Friday, 9am to 5pm"."""

    @model_validator(mode="after")
    def _some_way(self) -> ContactDetails:
        if not (self.phone or self.email or self.address):
            raise ValueError("give at least one of phone, email or address")
        return self


class Link(Record):
    """A link to another website."""

    title: Text
    """The link's words, such as "Impartial advice (SENDIASS)"."""
    url: WebUrl
    """The web address, starting https://"""
    description: Text | None = None
    """A sentence on what people find there."""


def _colour(value: str) -> str:
    if not contrast.HEX.fullmatch(value):
        raise ValueError(
            f"'{shown(value)}' is not a colour written as # and six hex digits, such as #1d70b8"
        )
    return value


def _quoted(value: Any) -> Any:
    """A colour left empty is most often one written without quotes: after a space, YAML
    reads ``#`` as the start of a comment, so ``colour: #1d70b8`` holds nothing."""
    if value is None:
        raise ValueError(
            'is empty: write the colour in quotes, such as "#1d70b8" (without them, # '
            "starts a comment)"
        )
    return value


def _on_white(least: float, against: str, needs: str) -> Callable[[str], str]:
    """A colour with a contrast of at least ``least`` with white (WCAG 2.2 AA), refused
    with its ratio worded so that it never reads as reaching ``least`` (``contrast.worded``)."""

    def check(value: str) -> str:
        found = contrast.ratio(value, contrast.WHITE)
        if found < least:
            raise ValueError(
                f"'{value}' has a contrast of {contrast.worded(found)} with {against}; "
                f"{needs} need at least {least:g}:1 (WCAG 2.2 AA)"
            )
        return value

    return check


#: A colour written as # and six hex digits, such as "#1d70b8" (in quotes in YAML).
Colour = Annotated[
    str, BeforeValidator(_quoted), _Checked(_colour, pattern=f"^{contrast.HEX.pattern}$")
]
#: The colour of the header band, buttons and links: white text goes on it (1.4.3).
TextColour = Annotated[
    Colour, AfterValidator(_on_white(4.5, "white", "the header's white text and the links"))
]
#: A colour of marks that are not text, on the white page (1.4.11).
MarkColour = Annotated[
    Colour,
    AfterValidator(
        _on_white(3, "the white page", "the menu's current-page marker and form controls")
    ),
]

#: The kinds of picture a logo may be, as browsers show them in an ``<img>``.
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".webp")
#: A logo is on every page a family opens, often on a phone's data: this is its most.
MAX_LOGO_BYTES = 30 * 1024


def _image_path(value: str) -> str:
    path = PurePosixPath(value)
    if "\\" in value or path.is_absolute() or ".." in path.parts or ":" in value:
        raise ValueError(f"'{shown(value)}' must be a path inside content/, like images/logo.png")
    if path.suffix.lower() not in IMAGE_TYPES:
        raise ValueError(
            f"'{shown(value)}' is not a picture a logo can be: use a .png, .jpg or .webp file"
        )
    return value


ImagePath = Annotated[
    Text,
    _Checked(
        _image_path,
        pattern=r"^(?![/\\])(?!(?:.*/)?\.\.(?:/|$))[^\\:]*\."
        r"(?:[Pp][Nn][Gg]|[Jj][Pp][Ee]?[Gg]|[Ww][Ee][Bb][Pp])$",
    ),
]


class Logo(Record):
    """An organisation's logo, shown in the header of every page."""

    image: ImagePath
    """A picture in content/, such as images/logo.png: .png, .jpg or .webp, at most 30 KB."""
    alt: Text
    """The organisation's name as the logo shows it, such as "Northmoor Borough Council"."""


class Brand(Record):
    """The area's look: its colours, who runs the site, logos and the main Local Offer."""

    colour: TextColour = "#1f3a5f"
    """The colour of the header and footer band, buttons and links, in quotes, such as
    "#1d70b8". White text goes on it, so it needs a contrast of at least 4.5:1 with white."""
    accent: MarkColour = "#505a5f"
    """The colour of the current page's marker in the menu, the line under the header and
    form controls, in quotes, such as "#505a5f"; at least 3:1 with white."""
    run_by: Text | None = None
    """The organisations named in the header, short, on one line, such as "Northmoor
    Borough Council and the NHS"."""
    logos: list[Logo] = []
    """The organisations' logos shown in the header, each a picture in content/."""
    main_local_offer: Link | None = None
    """A link back to the council's main Local Offer."""


def _logo_problems(image: str, content: Mapping[str, object]) -> list[str]:
    """What is wrong with the logo ``image`` of ``content/``: absent, or too big for every
    page."""
    data = content.get(image)
    if not isinstance(data, bytes | bytearray):
        return [f"'{image}' is not a file in content/"]
    found = []
    if len(data) > MAX_LOGO_BYTES:
        found.append(
            f"'{image}' is {len(data) / 1024:.1f} KB ({len(data):,} bytes); a logo is on every "
            f"page a family opens, often on a phone, so it may be at most "
            f"{MAX_LOGO_BYTES // 1024} KB"
        )
    return found


class Settings(Record):
    """Project-wide settings shown on the home page and every page's footer."""

    name: Text
    """The project's full name, on the home page."""
    short_name: Text
    """The name in the header and in page titles."""
    description: Text | None = None
    """One sentence for search engines and link previews."""
    site_url: SiteUrl | None = None
    """Where the site is published, such as https://example.org/offer/ (no ? or #)"""
    work: Text = "project"
    """The word for the work: "project", "programme", "service"…"""
    organisations: list[Text] = Field(min_length=1)
    """Who commissions and runs the project, one per item."""
    summary: Markdown
    """Markdown saying what the project is; it opens the home page."""
    contact: ContactDetails
    """How to reach the project team: at least one of phone, email or address."""
    feedback_url: WebUrl
    """Where "tell us what you think" on every page leads."""
    other_formats: Markdown
    """Markdown saying how to get the information without the internet."""
    help_links: list[Link] = []
    """Impartial advice (SENDIASS), complaints, asking for an EHC needs assessment…"""
    review_months: Annotated[int, Field(ge=1, le=60)] = 12
    """Months after last_reviewed that a service is shown as due for review."""
    brand: Brand = Field(default_factory=Brand)
    """The area's colours, logos and who runs the site; left out, a neutral navy."""
    last_checked: Date | None = None
    """The day someone last checked the site's general pages are right, written
    YYYY-MM-DD; shown in every page's footer."""
    privacy_url: WebUrl | None = None
    """The organisation's own privacy notice, linked from the site's privacy page."""
    api_base: Slug = "oruk"
    """The folder of the site that holds the open data, an Open Referral UK API: its
    address is the site's followed by this name, such as https://example.org/offer/oruk"""

    @classmethod
    def across(cls, records: list[Any], content: Mapping[str, object]) -> list[Problem]:
        """Each logo is a file in ``content/``, small enough for every page."""
        return [
            settings.problem(("brand", "logos", i, "image"), message)
            for settings in records
            for i, logo in enumerate(settings.brand.logos)
            for message in _logo_problems(logo.image, content)
        ]


# --- services.yaml ------------------------------------------------------------------------


class Access(Record):
    """How a family gets the service (SEND Regulations Schedule 2)."""

    referral_route: Text
    """How to get the service, in a sentence or two."""
    who_can_refer: list[Text] = []
    """Who may refer, one per item, such as "Health visitors"."""
    self_referral: bool
    """yes if families can ask for the service themselves; no if someone must refer them."""
    referral_form: WebUrl | None = None
    """For professionals: the web address of the referral form."""


class ServiceContact(Record):
    """How families reach the service: at least one of phone, email or web."""

    model_config = ConfigDict(
        json_schema_extra={"anyOf": [{"required": [k]} for k in ("phone", "email", "web")]}
    )

    phone: Phone | None = None
    """A UK phone number, such as 0300 123 4567."""
    email: Email | None = None
    """An email address."""
    web: WebUrl | None = None
    """The service's web page, starting https://"""

    @model_validator(mode="after")
    def _some_way(self) -> ServiceContact:
        if not (self.phone or self.email or self.web):
            raise ValueError("give at least one of phone, email or web")
        return self


class Location(Record):
    """A place where the service is given."""

    name: Text
    """The place's name, such as "Chelmsford Children's Centre"."""
    address: Text | None = None
    """Its street address."""
    postcode: Annotated[str, _check(POSTCODE, "a UK postcode")] | None = None
    """A UK postcode, such as CM1 1QH."""
    accessibility: Text | None = None
    """Step-free access, parking, a hearing loop…"""


def _ages_in_order() -> dict[str, Any]:
    """``min_age`` not above ``max_age``, as a JSON Schema: one rule for each age."""
    return {
        "allOf": [
            {
                "if": {"properties": {"min_age": {"const": age}}, "required": ["min_age"]},
                "then": {"properties": {"max_age": {"minimum": age}}},
            }
            for age in range(1, 26)
        ]
    }


class Service(Record):
    """One service of the offer. ORUK 3.0 names in brackets where they differ."""

    model_config = ConfigDict(json_schema_extra=_ages_in_order())

    id: Slug
    """The service's id, part of its page address: a-z, 0-9 and hyphens. Never reuse one."""
    name: Text
    """The service's name, as families will know it."""
    summary: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    """One line (up to 200 characters) shown in lists; otherwise the description's start."""
    status: Literal["active", "inactive", "defunct", "temporarily closed"] = "active"
    """active (the usual), temporarily closed, inactive or defunct (no longer offered)."""
    organisation: Text  # (organization.name)
    """Who runs the service."""
    description: Markdown
    """Markdown saying what the service does and what a family can expect."""
    discipline: DisciplineId  # (attributes: discipline taxonomy)
    """The therapy: an id from disciplines in vocabularies.yaml."""
    levels: LevelIds  # Balanced System levels (attributes)
    """Balanced System® levels: ids from levels in vocabularies.yaml."""
    strands: StrandIds  # Balanced System strands (attributes)
    """Balanced System® strands: ids from strands in vocabularies.yaml."""
    audiences: AudienceIds
    """Who it is for: ids from audiences in vocabularies.yaml."""
    needs: NeedIds = []
    """Needs it helps with: ids from needs in vocabularies.yaml."""
    min_age: Age | None = None  # (minimum_age)
    """The youngest age it is for, in years (0 to 25)."""
    max_age: Age | None = None  # (maximum_age)
    """The oldest age it is for, in years (0 to 25)."""
    eligibility: Text  # (eligibilitys)
    """Who can use it, such as "Children living in Thurrock"."""
    access: Access
    """How a family gets the service."""
    cost: Text | None = None  # (cost_options)
    """What it costs, such as "Free" or "£5 a session"; left out, the page says to ask."""
    contact: ServiceContact  # (email, url, contacts.phones)
    """How families reach it: at least one of phone, email or web."""
    delivery: DeliveryIds  # clinic, school, home, online… (attributes)
    """Where it is given: ids from delivery in vocabularies.yaml."""
    locations: list[Location] = []  # (service_at_locations)
    """The places where it is given."""
    opening_times: Text | None = None  # (schedules.description)
    """When it is open, such as "Tuesdays, 9.30am to 12 noon"."""
    areas: AreaIds  # (service_areas)
    """The areas it covers: ids from areas in vocabularies.yaml."""
    last_reviewed: Date  # (assured_date)
    """The day someone last checked this entry, written YYYY-MM-DD."""

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
    """The update's id, part of its page address: a-z, 0-9 and hyphens."""
    date: Date
    """The day it was published, written YYYY-MM-DD."""
    title: Text
    """The headline."""
    summary: Text
    """One or two sentences, shown in the list of updates."""
    body: Markdown
    """Markdown: the whole update."""
    audiences: AudienceIds
    """Who it is for: ids from audiences in vocabularies.yaml."""


class Stage(Record):
    """A stage of the project timeline; ``end`` left out means "onwards"."""

    id: Slug
    """The stage's id: a-z, 0-9 and hyphens."""
    title: Text
    """The stage's name."""
    start: Date
    """The day it starts, written YYYY-MM-DD; after the stage before ends."""
    end: Date | None = None
    """The day it ends, written YYYY-MM-DD; leave out while it goes on."""
    summary: Text
    """What happens in this stage."""
    steps: list[Text] = []
    """Its steps, one per item."""

    @model_validator(mode="after")
    def _order(self) -> Stage:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"ends ({self.end}) before it starts ({self.start})")
        return self

    @classmethod
    def across(cls, records: list[Any], content: Mapping[str, object]) -> list[Problem]:
        """Stages follow one another: each starts after the one before has ended."""
        problems = []
        for before, stage in itertools.pairwise(records):
            if before.end is None:
                msg = f"the stage before ('{before.title}') has no end date, so none can follow it"
            elif stage.start <= before.end:
                msg = (
                    f"starts {stage.start}, before the stage before ('{before.title}') "
                    f"ends on {before.end}; stages must not overlap"
                )
            else:
                continue
            problems.append(stage.problem("start", msg))
        return problems


class Document(Record):
    """A document: a page or file under ``content/`` (``file``) or elsewhere (``url``)."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["file"]}, {"required": ["url"]}]}
    )

    id: Slug
    """The document's id: a-z, 0-9 and hyphens."""
    title: Text
    """The document's title."""
    date: Date
    """The day it was published, written YYYY-MM-DD."""
    summary: Text
    """One or two sentences on what is in it."""
    audiences: AudienceIds
    """Who it is for: ids from audiences in vocabularies.yaml."""
    file: (
        Annotated[
            Text, Field(json_schema_extra={"pattern": r"^(?![/\\])(?!(?:.*/)?\.\.(?:/|$))[^\\:]*$"})
        ]
        | None
    ) = None
    """A page or file under content/, such as documents/introduction.md; or give url."""
    url: WebUrl | None = None
    """The address of a document kept elsewhere; or give file."""
    format: Text | None = None
    """For url: such as "PDF"; worked out from the name for file."""
    size: Text | None = None
    """For url: such as "1.2 MB"; measured for file."""
    pages: Annotated[int, Field(ge=1)] | None = None
    """For a PDF: how many pages."""

    @model_validator(mode="after")
    def _one_place(self) -> Document:
        if (self.file is None) == (self.url is None):
            raise ValueError("give exactly one of file or url")
        return self

    @classmethod
    def across(cls, records: list[Any], content: Mapping[str, object]) -> list[Problem]:
        """A document's file must be a plain relative path to a file inside ``content/``."""
        problems = []
        for doc in records:
            if doc.file is None:
                continue
            path = PurePosixPath(doc.file)
            if "\\" in doc.file or path.is_absolute() or ".." in path.parts or ":" in doc.file:
                msg = f"'{doc.file}' must be a path inside content/, like documents/plan.pdf"
            elif doc.file not in content:
                msg = f"'{doc.file}' is not a file in content/"
            else:
                continue
            problems.append(doc.problem("file", msg))
        return problems


class SurveyOutcome(Record):
    """What was heard and what changed: the published response ("You said, we did")."""

    published: Date
    """The day the outcome was published, written YYYY-MM-DD."""
    heard: list[Text] = Field(min_length=1)
    """What people told you, one point per item ("You said")."""
    changed: list[Text] = Field(min_length=1)
    """What was done about it, one point per item ("We did")."""


class Survey(Record):
    """A survey, consultation or event; open or not is worked out from the dates."""

    id: Slug
    """The survey's id: a-z, 0-9 and hyphens."""
    title: Text
    """Its title."""
    kind: Literal["survey", "consultation", "event"] = "survey"
    """survey (when left out), consultation or event."""
    summary: Text
    """What it is about and who it is for."""
    link: WebUrl
    """Where to take part, starting https://"""
    opens: Date
    """The day it opens, written YYYY-MM-DD."""
    closes: Date
    """The day it closes, written YYYY-MM-DD."""
    audiences: AudienceIds
    """Who it is for: ids from audiences in vocabularies.yaml."""
    other_ways: Text | None = None
    """How to take part without the link, such as by phone or on paper."""
    outcome: SurveyOutcome | None = None
    """Once it has closed: what you heard and what changed ("You said, we did")."""

    @model_validator(mode="after")
    def _order(self) -> Survey:
        if self.closes < self.opens:
            raise ValueError(f"closes ({self.closes}) before it opens ({self.opens})")
        return self


# --- comments.yaml -----------------------------------------------------------------------

#: What text that is published must not hold, and what each looks like in words: an
#: email address, a UK phone number, a UK postcode (not "Year 2 3rd", "KS2 9am"), or a
#: person's title and name (Mrs Smith, Dr. Khan).
_PERSONAL = (
    (re.compile(rf"(?<![^\s<(\[\"',;:]){EMAIL}"), "an email address"),
    (re.compile(rf"(?<![\d+]){PHONE}(?!\d)"), "a phone number"),
    (re.compile(rf"\b{POSTCODE}\b(?<!\d(?:st|nd|rd|th|am|pm))"), "a postcode"),
    (re.compile(r"(?<![A-Za-z])(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z]"), "a title and name"),
)


def _anonymous(value: str) -> str:
    for pattern, what in _PERSONAL:
        if pattern.search(value):
            raise ValueError(
                f"looks like personal data ({what}): this is published, so anonymise it "
                '(write "a parent", "a school" or "the therapist" instead of names and '
                "contact details)"
            )
    return value


#: Text that is published about what a family said: anything that looks like personal
#: data (an email address, a phone number, a postcode, "Mrs Smith") is refused.
Anonymous = Annotated[Text, AfterValidator(_anonymous)]
#: What a comment may be about, in the order the page shows them.
Theme = Literal["content", "gaps", "accessibility", "development", "service"]
THEMES: tuple[str, ...] = typing.get_args(Theme)


def _comment_rules() -> dict[str, Any]:
    """A comment's fields that its theme or status need, as a JSON Schema."""
    needs = (
        ("theme", "service", "about"),
        ("status", "not possible", "reason"),
        ("status", "done", "done_on"),
    )
    return {
        "allOf": [
            {
                "if": {"properties": {field: {"const": value}}, "required": [field]},
                "then": {"required": [needed]},
            }
            for field, value, needed in needs
        ]
    }


class Comment(Record):
    """A comment about the offer and your answer, published as "You said, we did": what
    families said and what you did about it (SEND Regulations 2014, regulation 56)."""

    model_config = ConfigDict(json_schema_extra=_comment_rules())

    id: Slug
    """The comment's id: a-z, 0-9 and hyphens."""
    received: Date
    """The day it reached you, written YYYY-MM-DD."""
    channel: Literal[
        "survey",
        "consultation",
        "event",
        "email",
        "phone",
        "letter",
        "feedback form",
        "social media",
        "other",
    ]
    """How it reached you: survey, consultation, event, email, phone, letter, feedback
    form, social media or other."""
    theme: Theme
    """What it is about: content (what the site says), gaps (help that is missing),
    accessibility (finding and using the information), development (how the offer is
    planned and developed) or service (one or more services: give about)."""
    about: Annotated[list[Slug], AsList, Field(json_schema_extra=ONE_OR_LIST)] = []
    """The services it is about: ids from services.yaml; needed when theme is service."""
    said: Anonymous
    """The comment in the family's own words, with nothing that could identify anyone."""
    response: Anonymous
    """Your answer, in plain words."""
    action: Anonymous | None = None
    """What you will do, or did, about it."""
    status: Literal["planned", "in progress", "done", "not possible"]
    """planned, in progress, done, or not possible (then give reason)."""
    reason: Anonymous | None = None
    """Why it cannot be done: needed when status is not possible."""
    due: Date | None = None
    """The day the action will be done by, written YYYY-MM-DD; check warns once it has
    passed while the action is planned or in progress."""
    done_on: Date | None = None
    """The day it was done, written YYYY-MM-DD: needed when status is done."""
    published: Date
    """The day this answer was published, written YYYY-MM-DD; check warns when the newest
    answer is more than a year old (answers are published at least yearly)."""

    @model_validator(mode="after")
    def _needed(self) -> Comment:
        if self.theme == "service" and not self.about:
            raise ValueError("the theme is service: give about, the ids of the services")
        if self.status == "not possible" and self.reason is None:
            raise ValueError("the status is not possible: give reason, why it cannot be done")
        if self.status == "done" and self.done_on is None:
            raise ValueError("the status is done: give done_on, the day it was done")
        return self

    @classmethod
    def against(cls, records: list[Any], every: Mapping[str, list[Any]]) -> list[Problem]:
        """Each service a comment is about is a service of the offer (when services were
        read: a services file that cannot be read is reported, not every name of it)."""
        services = [s.id for s in every.get("service", [])]
        known = set(services)
        problems: list[Problem] = []
        if not services:
            return problems
        for comment in records:
            for i, ident in enumerate(comment.about):
                if ident in known:
                    continue
                close = difflib.get_close_matches(ident, services, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                msg = f"'{ident}' is not the id of a service in data/services.yaml{hint}"
                problems.append(comment.problem(("about", i), msg))
        return problems


# --- accessibility.yaml --------------------------------------------------------------------

#: A WCAG success criterion's number, such as 1.4.3 or 2.4.11.
Criterion = Annotated[str, _check(r"[1-4]\.[1-9]\.[1-9][0-9]?", "a WCAG criterion such as 1.4.3")]


class KnownIssue(Record):
    """A part of the site that fails WCAG (GOV.UK's "non-compliance with the regulations")."""

    issue: Text
    """What people meet, in plain words."""
    criterion: Criterion
    """The WCAG 2.2 success criterion it fails, such as 1.4.3."""
    plan: Text
    """What will be done about it."""
    fix_by: Date
    """When it will be fixed, written YYYY-MM-DD."""


class Exemption(Record):
    """Content that is not fixed, and why: a disproportionate burden, or out of scope."""

    content: Text
    """What it is."""
    reason: Text
    """Why it is not fixed: the assessment, or the regulation that exempts it."""


class Accessibility(Record):
    """The accessibility statement, in the sections of GOV.UK's model statement."""

    scope: Text
    """Which website or websites the statement covers."""
    tested: Date
    """When the website was last tested, written YYYY-MM-DD; check warns after a year."""
    tested_by: Text
    """Who tested it."""
    method: list[Text] = Field(min_length=1)
    """How it was tested, one way per item."""
    prepared: Date
    """When the statement was first prepared, written YYYY-MM-DD."""
    reviewed: Date
    """When it was last reviewed, written YYYY-MM-DD."""
    response_days: Annotated[int, Field(ge=1, le=60)] = 10
    """Working days within which a request for another format is answered."""
    known_issues: list[KnownIssue] = []
    """Every failure the tests or people have found; empty only while there are none."""
    disproportionate_burden: list[Exemption] = []
    """What would be a disproportionate burden to fix, and the assessment."""
    not_in_scope: list[Exemption] = []
    """Content the regulations do not cover, and why."""
    improvements: list[Text] = []
    """What is being done to improve accessibility, one per item."""


# --- coverage.yaml: what answers each item of Schedule 2 -----------------------------------


class Schedule2Item(BaseModel):
    """One thing the law says a Local Offer must cover (``schedule2.yaml``, shipped with the
    generator): its id, where the law and the Code of Practice say it, and plain words."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    #: Where the law says it: a paragraph number only where it was checked against the
    #: published regulations (SI 2014/1530), otherwise "Schedule 2" alone.
    paragraph: Annotated[str, Field(pattern=r"^(Schedule 2(, paragraphs? \S.*)?|Regulation \d+)$")]
    title: Annotated[str, Field(min_length=1, max_length=80)]
    summary: Annotated[str, Field(min_length=1, max_length=300)]


SCHEDULE2_FILE = Path(__file__).with_name("schedule2.yaml")


@functools.cache
def schedule2() -> tuple[Schedule2Item, ...]:
    """The items of ``schedule2.yaml``, in order; a broken file is the generator's bug."""
    data = yaml.safe_load(SCHEDULE2_FILE.read_text(encoding="utf-8"))
    items = tuple(Schedule2Item.model_validate(item) for item in data["items"])
    ids = [item.id for item in items]
    assert len(set(ids)) == len(ids), "schedule2.yaml: an id is used twice"
    assert 12 <= len(items) <= 20, "schedule2.yaml: 12 to 20 items"
    return items


Answer = Annotated[
    str,
    _check(
        r"(?:page|service|document):[^\s:]+|https://\S+",
        "an answer: page:glossary.md, service:<id>, document:<id> or a web address "
        "starting https://",
    ),
]


class CoverageItem(Record):
    """One item of Schedule 2 and what on this site answers it."""

    item: Slug
    """The item's id, such as health (see README, 'What this Local Offer covers')."""
    answered_by: list[Answer] = []
    """What answers it, one per item: page:glossary.md (a page of content/),
    service:<id>, document:<id>, or a web address starting https://"""
    elsewhere: Link | None = None
    """Where families find it if this site does not answer it: a title and url."""


class Coverage(Record):
    """What answers each item the law says a Local Offer must cover (Schedule 2)."""

    items: list[CoverageItem] = []
    """One per item of Schedule 2 this site answers or points elsewhere for."""

    def rows(self) -> list[tuple[Schedule2Item, CoverageItem | None]]:
        """Every item of Schedule 2, in order, with what this site says answers it."""
        given = {entry.item: entry for entry in self.items}
        return [(item, given.get(item.id)) for item in schedule2()]

    @classmethod
    def across(cls, records: list[Any], content: Mapping[str, object]) -> list[Problem]:
        """Each item is an item of Schedule 2, given once; each page is a page of content/."""
        known = [item.id for item in schedule2()]
        problems = []
        for coverage in records:
            seen: set[str] = set()
            for i, entry in enumerate(coverage.items):
                if entry.item not in known:
                    close = difflib.get_close_matches(entry.item, known, n=1)
                    hint = f"; did you mean '{close[0]}'?" if close else ""
                    msg = f"'{shown(entry.item)}' is not an item of Schedule 2{hint}"
                    problems.append(coverage.problem(("items", i, "item"), msg))
                elif entry.item in seen:
                    msg = f"'{entry.item}' is given twice; give each item once"
                    problems.append(coverage.problem(("items", i, "item"), msg))
                seen.add(entry.item)
                for j, answer in enumerate(entry.answered_by):
                    kind, _, name = answer.partition(":")
                    if kind == "page" and not name.endswith(".md"):
                        msg = f"'{shown(name)}' is not a page: give a .md page of content/"
                    elif kind == "page" and name not in content:
                        msg = f"'{shown(name)}' is not a page in content/"
                    else:
                        continue
                    problems.append(coverage.problem(("items", i, "answered_by", j), msg))
        return problems

    @classmethod
    def against(cls, records: list[Any], every: Mapping[str, list[Any]]) -> list[Problem]:
        """Each service and document named is one of the site's (when the site's file of
        them was read: a file with errors is reported once, by its own problems)."""
        ids = {kind: {r.id for r in every.get(kind, [])} for kind in ("service", "document")}
        ids = {kind: found for kind, found in ids.items() if found}
        problems = []
        for coverage in records:
            for i, entry in enumerate(coverage.items):
                for j, answer in enumerate(entry.answered_by):
                    kind, _, name = answer.partition(":")
                    if kind in ids and name not in ids[kind]:
                        msg = f"there is no {kind} with the id '{shown(name)}'"
                        problems.append(coverage.problem(("items", i, "answered_by", j), msg))
        return problems


# --- the files ----------------------------------------------------------------------------


class SiteFile(Record):
    """data/site.yaml: the project's settings."""

    site: Settings
    """The project's name, contact details and links."""


class VocabulariesFile(Record):
    """data/vocabularies.yaml: the word lists."""

    vocabularies: Vocabularies
    """The word lists; records use each term by its id."""


class AccessibilityFile(Record):
    """data/accessibility.yaml: the accessibility statement."""

    accessibility: Accessibility
    """The statement, in the sections of GOV.UK's model."""


class CoverageFile(Record):
    """data/coverage.yaml: what answers each item the law says a Local Offer must cover."""

    coverage: Coverage
    """One item a line of Schedule 2, and the pages, services or documents that answer it."""


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
    #: The markdown as typed, and the line of the file where it starts (after any front
    #: matter): a link that leads nowhere is reported at its own line.
    markdown: str = ""
    first_line: int = 1
