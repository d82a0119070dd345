"""Public view of a project: its place and the timeline of its money.

Used by the portal pages and by the JSON API. Names of private payees never
leave the database here: the timeline query returns an empty payee and an
empty purpose for them, and the templates and the API show a fixed label in
place of the payee. The purpose is withheld whole, because staff type it
freely: it may spell the payee's name with a space or in other letter case,
or name other people, and no mask finds every name.
"""

import datetime
import enum
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, CharField, F, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sunshine.funds.models import (
    Allocation,
    Disbursement,
    FundSource,
    Project,
    ProjectQuerySet,
    search_condition,
)
from sunshine.lib.identifiers import redact_personal_numbers, withheld_person_label
from sunshine.organisation.models import Level, Region
from sunshine.petitions.person_names import simplify

TIMELINE_PAGE_SIZE = 20
# Counties and townships a search text may match; Taizhou has 9 and 136.
MAX_PLACES = 50
MAX_SEARCH_WORDS = 5
# Words of a search are separated by spaces or by the commas and enumeration marks of
# Chinese text (椒江，道路 or 椒江、道路).
SEARCH_SEPARATORS = re.compile(r"[\s,，、;；]+")

# A village's township, county and city, so that the location line and
# get_setting's county lookup read no further rows.
REGION_CHAIN = "region__parent__parent__parent"


class EntryKind(enum.StrEnum):
    ALLOCATED = "allocated"
    ARRIVED = "arrived"
    PAID = "paid"


@dataclass(frozen=True)
class TimelineEntry:
    """One movement of money: allocated to, arrived at or paid out of a project.

    ``party`` is the fund source for money in and the payee for money out.
    It is empty for a payee who is a private person (``payee_hidden``).
    """

    kind: EntryKind
    date: datetime.date | None
    amount: Decimal
    currency: str
    party: str
    note: str
    payee_hidden: bool

    @property
    def money_in(self) -> bool:
        return self.kind != EntryKind.PAID

    @property
    def kind_label(self) -> str:
        labels = {
            EntryKind.ALLOCATED: pgettext("money movement", "allocated"),
            EntryKind.ARRIVED: pgettext("money movement", "arrived"),
            EntryKind.PAID: pgettext("money movement", "paid"),
        }
        return labels[self.kind]

    @property
    def party_label(self) -> str:
        if self.payee_hidden:
            return withheld_person_label()
        if self.money_in:
            return str(FundSource(self.party).label) if self.party in FundSource.values else self.party
        return self.party


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    page: int
    page_size: int
    has_next: bool


def public_project_queryset() -> ProjectQuerySet:
    return Project.public_objects.select_related(REGION_CHAIN)


def search_words(text: str) -> list[str]:
    """Split a search into distinct words, folded as person names are (``person_names.simplify``).

    NFKC turns a code typed in full-width characters, such as
    ＪＪ－２０２３－０００１, into ASCII, and OpenCC turns traditional
    characters simplified (黃岩 to 黄岩), as the names are stored. Raises
    ValidationError above ``MAX_SEARCH_WORDS`` words, because each word adds
    substring matches on every project row.
    """
    words = list(dict.fromkeys(word for word in SEARCH_SEPARATORS.split(simplify(text)) if word))
    if len(words) > MAX_SEARCH_WORDS:
        raise ValidationError(
            _("The search has %(count)s words, but at most %(max)s words are searched for "
              "together; leave out the least specific words.")
            % {"count": len(words), "max": MAX_SEARCH_WORDS},
            code="too_many_words")
    return words


def search_projects(projects: ProjectQuerySet, text: str) -> ProjectQuerySet:
    """Keep the projects that match every word of ``text``, in one query over projects.

    A word matches as ``funds.models.search_condition`` (code, name,
    village) or as the name of the project's county or township. Citizens
    often type their township or county, which the plain search does not
    look at, because it reads only the project's own region.
    """
    for word in search_words(text):
        projects = projects.filter(search_condition(word) | _within_places(word))
    return projects


def _within_places(word: str) -> Q:
    """Match projects in a county or township whose name contains ``word``, one query each."""
    paths = Region.objects.filter(
        level__in=[Level.COUNTY, Level.TOWNSHIP], name__icontains=word
    ).values_list("path", flat=True)[:MAX_PLACES]
    within = Q(pk__in=[])
    for path in paths:
        within |= Q(region__path__startswith=path)
    return within


def location_names(region: Region) -> list[str]:
    """Return the names from the county down to the region, e.g. 椒江区, 海门街道, 某村.

    The city is left out, unless the project belongs to the city itself.
    """
    names: list[str] = []
    node: Region | None = region
    while node is not None and node.level != Level.CITY:
        names.insert(0, node.name)
        node = node.parent
    return names or [region.name]


def private_payee_condition() -> Q:
    """Match disbursements whose payee is a private person.

    A payee flagged as a person, or one with neither a credit code nor a
    supplier record that has a credit code or an identifier, counts as
    private, as ``Disbursement.is_private_payee`` documents.
    """
    unidentified_supplier = ((Q(supplier__credit_code__isnull=True) | Q(supplier__credit_code=""))
                        & Q(supplier__identifier=""))
    return (Q(payee_is_person=True)
            | Q(payee_credit_code="") & (Q(supplier__isnull=True) | unidentified_supplier))


def timeline_page(project: Project, page: int = 1,
                  page_size: int = TIMELINE_PAGE_SIZE) -> TimelinePage:
    """Return one page of the project's money movements, newest first, in one query.

    Entries without a date come after all dated ones.
    """
    offset = (max(page, 1) - 1) * page_size
    rows = list(_timeline_rows(project).order_by(
        F("day").desc(nulls_last=True), "kind", "-row_id",
    )[offset:offset + page_size + 1])
    entries = [_entry(row) for row in rows[:page_size]]
    return TimelinePage(entries, page, page_size, has_next=len(rows) > page_size)


def _timeline_rows(project: Project):
    columns = ("kind", "day", "money", "currency", "party", "note", "hidden", "row_id")
    # Model ordering is cleared: SQLite rejects ORDER BY inside a UNION member.
    allocations = Allocation.objects.filter(project=project).order_by()
    allocated = allocations.filter(approved_amount__gt=0).annotate(
        kind=Value(EntryKind.ALLOCATED.value, output_field=CharField()),
        day=F("approved_on"), money=F("approved_amount"), party=F("source"),
        note=F("document_no"), hidden=Value(False, output_field=BooleanField()), row_id=F("id"),
    ).values_list(*columns)
    arrived = allocations.filter(arrived_amount__gt=0).annotate(
        kind=Value(EntryKind.ARRIVED.value, output_field=CharField()),
        day=F("arrived_on"), money=F("arrived_amount"), party=F("source"),
        note=F("document_no"), hidden=Value(False, output_field=BooleanField()), row_id=F("id"),
    ).values_list(*columns)

    private = private_payee_condition()
    paid = Disbursement.objects.filter(project=project).order_by().annotate(
        kind=Value(EntryKind.PAID.value, output_field=CharField()),
        day=F("paid_on"), money=F("amount"),
        party=Case(When(private, then=Value("")), default=F("payee_name"),
                   output_field=CharField()),
        note=Case(When(private, then=Value("")), default=F("purpose"),
                  output_field=CharField()),
        hidden=Case(When(private, then=Value(True)), default=Value(False),
                    output_field=BooleanField()),
        row_id=F("id"),
    ).values_list(*columns)
    return allocated.union(arrived, paid, all=True)


def _entry(row: tuple) -> TimelineEntry:
    kind, day, money, currency, party, note, hidden, _row_id = row
    return TimelineEntry(EntryKind(kind), day, money, currency, party or "",
                         redact_personal_numbers(note or ""), bool(hidden))
