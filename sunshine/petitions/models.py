"""Citizen reports and petitions (信访举报): the petition, its log and its workflow records.

Rows change only through ``sunshine.petitions.actions``, which appends an
audit entry for every write. Staff read petitions through
``sunshine.petitions.visibility.visible_petitions``, never through the
managers here directly, because that filter applies the region scope and
the firewall that hides a report from the people it accuses.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from sunshine.audit.models import AuditedModel
from sunshine.lib import crypto
from sunshine.lib.languages import english_active
from sunshine.lib.money import ratio
from sunshine.organisation.models import Level, UnitKind


class Kind(models.TextChoices):
    """The three kinds of the Petition Work Regulation (2022), arts. 29-31."""

    SUGGESTION = "suggestion", _("suggestion")
    ACCUSATION = "accusation", _("report (accusation)")
    REQUEST = "request", _("request")


class Channel(models.TextChoices):
    """Channel a petition arrived by; the regulation's art. 17 names network, letter, phone, fax and visit."""

    WEB = "web", _("website")
    MOBILE = "mobile", _("mobile page")
    WALK_IN = "walk_in", _("walk-in visit")
    PHONE = "phone", _("phone")
    LETTER = "letter", _("letter")
    FAX = "fax", _("fax")
    LIAISON = "liaison", _("liaison")
    SUPERVISION_DAY = "supervision_day", _("supervision day")


class State(models.TextChoices):
    RECEIVED = "received", _("received")
    HANDLING = "handling", _("accepted and being handled")
    REPLIED = "replied", _("replied")
    REVIEW = "review", _("under review")
    REVIEWED = "reviewed", _("review decided")
    RE_REVIEW = "re_review", _("under re-review")
    CLOSED = "closed", _("closed")
    NOT_ACCEPTED = "not_accepted", _("not accepted")
    REFERRED = "referred", _("referred elsewhere")


# Closed, not accepted and referred petitions are finished, although a
# closed report may still owe the reporter feedback (see ``Petition.due_on``).
FINISHED_STATES = (State.CLOSED, State.NOT_ACCEPTED, State.REFERRED)
# States in which staff owe the next step. In ``replied`` and ``reviewed``
# the petition waits for the reporter to rate it or ask for a review.
STAFF_STATES = (State.RECEIVED, State.HANDLING, State.REVIEW, State.RE_REVIEW)


class CategoryQuerySet(models.QuerySet):
    def active(self) -> "CategoryQuerySet":
        return self.filter(is_active=True)


class PublicCategoryManager(models.Manager.from_queryset(CategoryQuerySet)):  # type: ignore[misc]
    def get_queryset(self):
        return super().get_queryset().filter(is_public=True, is_active=True)


class Category(AuditedModel):
    """A subject a petition is filed under, and where petitions of it are routed.

    Routing looks for a unit of ``route_unit_kind`` in the ancestor of the
    petition's region at ``route_level``, then further up the region tree.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(
        _("English name"), max_length=100, blank=True,
        help_text=_("Shown on English pages and in English exports; the Chinese name is used when empty."),
    )
    default_kind = models.CharField(_("default kind"), max_length=12, choices=Kind.choices,
                                    default=Kind.REQUEST)
    is_public = models.BooleanField(
        _("offered to the public"), default=False,
        help_text=_("Listed on the public report form and the Open311 service list."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    route_unit_kind = models.CharField(_("route to unit kind"), max_length=20,
                                       choices=UnitKind.choices, blank=True)
    route_level = models.CharField(_("route to region level"), max_length=10,
                                   choices=Level.choices, blank=True)

    # Added after categories existed: see sunshine.audit.chain.digest_row.
    audit_added = ("name_en",)

    objects = CategoryQuerySet.as_manager()
    public_objects = PublicCategoryManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("petition category")
        verbose_name_plural = _("petition categories")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language: the English name on English pages when one is set."""
        if self.name_en and english_active():
            return self.name_en
        return self.name


class PetitionQuerySet(models.QuerySet):
    def in_region(self, region) -> "PetitionQuerySet":
        return self.filter(region__path__startswith=region.path)

    def backlog(self) -> "PetitionQuerySet":
        """Petitions waiting for a step by staff, including closed reports that owe feedback."""
        return self.filter(BACKLOG)

    def overdue(self, today: datetime.date | None = None) -> "PetitionQuerySet":
        """Petitions with at least one open deadline before ``today``."""
        today = today or timezone.localdate()
        return self.filter(
            Q(due_on__lt=today) | Q(notice_due__lt=today) | Q(assign_due__lt=today)
        )

    def due_between(self, first: datetime.date, last: datetime.date) -> "PetitionQuerySet":
        return self.filter(
            Q(due_on__range=(first, last)) | Q(notice_due__range=(first, last))
            | Q(assign_due__range=(first, last))
        )

    def due_for_handling(self, today: datetime.date | None = None, *,
                         first: datetime.date | None = None,
                         last: datetime.date | None = None) -> "PetitionQuerySet":
        """Accepted petitions whose handling period has ended or which were handled.

        With ``first`` and ``last``, only those whose handling deadline lies in
        that period (see ``due_for_handling_condition``).
        """
        return self.filter(due_for_handling_condition(today, first=first, last=last))

    def handled_in_time(self) -> "PetitionQuerySet":
        return self.filter(HANDLED_IN_TIME)

    def processing_rate(self, today: datetime.date | None = None, *,
                        first: datetime.date | None = None,
                        last: datetime.date | None = None) -> Decimal | None:
        """Return handled within the deadline ÷ due for handling, open overdue ones included.

        None when no petition is due yet.
        """
        due = self.due_for_handling(today, first=first, last=last)
        return ratio(Decimal(due.handled_in_time().count()), Decimal(due.count()))


BACKLOG = Q(state__in=STAFF_STATES) | Q(due_on__isnull=False)
HANDLED_IN_TIME = Q(handled_on__isnull=False, handled_on__lte=models.F("handle_due"))


def due_for_handling_condition(today: datetime.date | None = None, *,
                               first: datetime.date | None = None,
                               last: datetime.date | None = None) -> Q:
    """Return the condition for petitions due for handling on ``today``.

    A petition is due once it was handled or once its handling deadline
    (``handle_due``, moved by an approved extension) has passed; an open one
    whose deadline passed counts as due and not handled in time. A petition
    whose deadline has not come yet and which is still open is not counted.
    ``first`` and ``last`` keep those whose deadline lies in that period,
    so every petition is counted in exactly one period.
    """
    today = today or timezone.localdate()
    condition = Q(handle_due__isnull=False) & (Q(handle_due__lt=today) | Q(handled_on__isnull=False))
    if first is not None:
        condition &= Q(handle_due__gte=first)
    if last is not None:
        condition &= Q(handle_due__lte=last)
    return condition


def format_code(code: str) -> str:
    """Return a tracking code in groups of four for printing, e.g. ``ABCD-EFGH-JKMN``."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


class Petition(AuditedModel):
    """One petition or report, with its reporter kept encrypted.

    The reporter's name and phone are SM4-GCM ciphertexts bound to the
    tracking code, so a ciphertext copied to another row does not decrypt.
    ``reporter_phone_hash`` (HMAC-SM3) finds earlier petitions of the same
    reporter. No ID number is collected (Personal Information Protection
    Law art. 6: the minimum needed).

    Date columns ending in ``_due`` are open deadlines: an action sets one
    when an obligation starts and clears it when the obligation is met, so
    a petition is overdue exactly when one of them is before today.
    """

    # Erased after the retention period, so never copied into audit entries.
    audit_withheld = ("reporter_name_encrypted", "reporter_phone_encrypted",
                      "reporter_phone_hash")

    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True,
                                     editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    category = models.ForeignKey(Category, models.PROTECT, related_name="petitions",
                                 verbose_name=_("category"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    region = models.ForeignKey("organisation.Region", models.PROTECT, related_name="petitions",
                               verbose_name=_("region"))
    target_unit = models.ForeignKey(
        "organisation.Unit", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("unit concerned"),
    )
    target_person = models.ForeignKey(
        "organisation.Person", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("person concerned"),
    )
    target_project = models.ForeignKey(
        "funds.Project", models.PROTECT, null=True, blank=True, related_name="petitions",
        verbose_name=_("project concerned"),
    )
    title = models.CharField(_("subject"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    location_text = models.CharField(_("location"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)

    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    reporter_name_encrypted = models.TextField(blank=True, editable=False)
    reporter_phone_encrypted = models.TextField(blank=True, editable=False)
    reporter_phone_hash = models.CharField(max_length=64, blank=True, db_index=True,
                                           editable=False)

    state = models.CharField(_("state"), max_length=20, choices=State.choices,
                             default=State.RECEIVED)
    assigned_unit = models.ForeignKey(
        "organisation.Unit", models.PROTECT, null=True, blank=True,
        related_name="assigned_petitions", verbose_name=_("handling unit"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("handler"),
    )
    repeat_of = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="repeats",
        verbose_name=_("repeat of"),
    )
    is_final = models.BooleanField(
        _("closed after re-review"), default=False,
        help_text=_("The same matter is not accepted again (Petition Work Regulation art. 36)."),
    )

    received_on = models.DateField(_("received on"))
    registered_at = models.DateTimeField(_("registered at"))
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    handled_on = models.DateField(_("handled on"), null=True, blank=True)

    due_on = models.DateField(_("deadline"), null=True, blank=True)
    due_rule = models.CharField(_("deadline rule"), max_length=60, blank=True)
    warning_on = models.DateField(_("internal target date"), null=True, blank=True)
    assign_due = models.DateField(_("assign by"), null=True, blank=True)
    notice_due = models.DateField(_("notify acceptance by"), null=True, blank=True)
    handle_due = models.DateField(_("handling deadline"), null=True, blank=True)
    objection_until = models.DateField(_("referral objection possible until"), null=True,
                                       blank=True)
    review_until = models.DateField(_("review may be requested until"), null=True, blank=True)

    all_objects = PetitionQuerySet.as_manager()

    scope_region = "region"
    scope_unit = "assigned_unit"

    class Meta:
        ordering = ["-registered_at"]
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        indexes = [
            models.Index(fields=["region", "state"], name="petition_region_state_idx"),
            models.Index(fields=["assigned_unit", "state"], name="petition_unit_state_idx"),
            models.Index(fields=["due_on"], name="petition_due_on_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def printed_code(self) -> str:
        """The tracking code as receipts and pages print it, in groups of four."""
        return format_code(self.tracking_code)

    @property
    def is_accusation(self) -> bool:
        return self.kind == Kind.ACCUSATION

    @property
    def is_real_name(self) -> bool:
        """A real-name report gives a name and a phone to verify it by (commission rules)."""
        return not self.is_anonymous and bool(self.reporter_name_encrypted) and bool(
            self.reporter_phone_encrypted
        )

    @property
    def reporter_purged(self) -> bool:
        """Whether a named reporter's data was deleted after the retention period.

        Registration requires a name unless the petition is anonymous, so a
        named petition without one was purged (``sunshine.petitions.retention``).
        """
        return not self.is_anonymous and not self.reporter_name_encrypted and not (
            self.reporter_phone_encrypted
        )

    def _context(self, field: str) -> str:
        return f"petition:{self.tracking_code}:{field}"

    def set_reporter(self, name: str, phone: str) -> None:
        """Store the reporter encrypted; the tracking code must be set first."""
        self.reporter_name_encrypted = crypto.encrypt(name, context=self._context("name")) if name else ""
        self.reporter_phone_encrypted = (
            crypto.encrypt(phone, context=self._context("phone")) if phone else ""
        )
        self.reporter_phone_hash = crypto.keyed_hash(phone) if phone else ""

    def decrypt_reporter(self) -> dict[str, str]:
        """Return the plain reporter fields; only ``visibility.reveal_reporter`` may call this."""
        name = self.reporter_name_encrypted
        phone = self.reporter_phone_encrypted
        return {
            "name": crypto.decrypt(name, context=self._context("name")) if name else "",
            "phone": crypto.decrypt(phone, context=self._context("phone")) if phone else "",
        }

    @cached_property
    def persons_concerned(self) -> list:
        """The officials the petition concerns: ``target_person`` first, then the further ones.

        Intake sets this list on a petition before it is saved, so that
        routing takes every person a report accuses into account.
        """
        if self.pk is None:
            return [self.target_person] if self.target_person is not None else []
        further = [row.person for row in self.further_targets.select_related("person__unit")]
        return [p for p in [self.target_person, *further] if p is not None]


class EventAction(models.TextChoices):
    REGISTER = "register", _("registered")
    ASSIGN = "assign", _("assigned")
    TRANSFER = "transfer", _("transferred")
    OBJECT = "object", _("objection to referral")
    ACCEPT = "accept", _("accepted")
    NOT_ACCEPT = "not_accept", _("not accepted")
    REFER = "refer", _("referred elsewhere")
    NOTIFY = "notify", _("reporter notified")
    REQUEST_EXTENSION = "request_extension", _("extension requested")
    APPROVE_EXTENSION = "approve_extension", _("extension approved")
    REJECT_EXTENSION = "reject_extension", _("extension rejected")
    REPLY = "reply", _("replied")
    RATE = "rate", _("rated by the reporter")
    REQUEST_REVIEW = "request_review", _("review requested")
    DECIDE_REVIEW = "decide_review", _("review decided")
    REQUEST_RE_REVIEW = "request_re_review", _("re-review requested")
    DECIDE_RE_REVIEW = "decide_re_review", _("re-review decided")
    CLOSE = "close", _("closed")
    ESCALATE = "escalate", _("escalated")
    LINK_REPEAT = "link_repeat", _("linked as a repeat")
    DESIGNATE_HANDLER = "designate_handler", _("handler designated")


class PetitionEvent(AuditedModel):
    """One step in a petition's history; rows are only ever appended.

    ``deadlines`` lists what the step started, as computed on ``on`` with
    the settings in force then: ``[{"rule": key, "due": "YYYY-MM-DD",
    "legal": bool}]``, where ``legal`` is false for internal targets.
    """

    petition = models.ForeignKey(Petition, models.PROTECT, related_name="events",
                                 verbose_name=_("petition"))
    action = models.CharField(_("action"), max_length=20, choices=EventAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    by_reporter = models.BooleanField(_("by the reporter"), default=False)
    at = models.DateTimeField(_("time"))
    on = models.DateField(_("counted from"))
    from_state = models.CharField(_("from state"), max_length=20, choices=State.choices,
                                  blank=True)
    to_state = models.CharField(_("to state"), max_length=20, choices=State.choices, blank=True)
    unit = models.ForeignKey("organisation.Unit", models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("unit"))
    reason = models.TextField(_("reason or text"), blank=True)
    deadlines = models.JSONField(_("deadlines"), default=list, blank=True)
    is_public = models.BooleanField(_("shown to the reporter"), default=False)
    # Ids of the users an escalation is addressed to (unit leaders, inspectors).
    notified = models.JSONField(_("notified users"), default=list, blank=True)

    scope_region = "petition__region"
    scope_unit = "petition__assigned_unit"

    class Meta:
        ordering = ["petition_id", "at", "id"]
        verbose_name = _("petition event")
        verbose_name_plural = _("petition events")

    def __str__(self) -> str:
        return f"{self.petition_id} {self.action} {self.on}"


class Outcome(models.TextChoices):
    """Conclusions of a written opinion (Petition Work Regulation art. 32)."""

    SUPPORT = "support", _("supported")
    EXPLAIN = "explain", _("explained")
    REJECT = "reject", _("not supported")


class Stage(models.TextChoices):
    REPLY = "reply", _("reply")
    REVIEW = "review", _("review opinion")
    RE_REVIEW = "re_review", _("re-review opinion")
    FEEDBACK = "feedback", _("feedback on the result")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    PARTLY = "partly", _("partly satisfied")
    DISSATISFIED = "dissatisfied", _("dissatisfied")


MIN_SCORE, MAX_SCORE = 1, 5


def rating_for_score(score: int) -> str:
    """Return the three-level rating of a 1-5 score: 4-5 satisfied, 3 partly, 1-2 dissatisfied.

    Reporters rate on five levels; figures count the three levels, which
    are the categories hotline satisfaction surveys usually report.
    """
    if score >= 4:
        return Rating.SATISFIED
    if score == 3:
        return Rating.PARTLY
    return Rating.DISSATISFIED


class Reply(AuditedModel):
    """A written answer to the reporter: reply, review or re-review opinion, or feedback."""

    petition = models.ForeignKey(Petition, models.PROTECT, related_name="replies",
                                 verbose_name=_("petition"))
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    text = models.TextField(_("text"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    unit = models.ForeignKey("organisation.Unit", models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("unit"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                               verbose_name=_("author"))
    delivered_on = models.DateField(_("delivered on"))
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True,
        validators=[MinValueValidator(MIN_SCORE), MaxValueValidator(MAX_SCORE)],
        help_text=_("The reporter's rating from 1 (very dissatisfied) to 5 (very satisfied)."),
    )
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    scope_region = "petition__region"
    scope_unit = "petition__assigned_unit"

    class Meta:
        ordering = ["petition_id", "delivered_on", "id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return f"{self.petition_id} {self.stage}"


class Evidence(AuditedModel):
    """A photo or document attached to a petition as evidence.

    The file lies in the default storage under ``stored_name``, a random
    name with the extension of the detected type; the type was checked
    from the file's first bytes, never from its name. Only staff who may
    see the petition can download it. ``original_name`` stays empty for
    new files, because a reporter's file name may identify them.
    """

    petition = models.ForeignKey(Petition, models.PROTECT, related_name="evidence",
                                 verbose_name=_("petition"))
    stored_name = models.CharField(max_length=200, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("file type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    digest = models.CharField(_("SM3 digest"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    scope_region = "petition__region"
    scope_unit = "petition__assigned_unit"

    class Meta:
        ordering = ["petition_id", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return f"{self.petition_id} {self.stored_name}"


class FurtherTargetPerson(AuditedModel):
    """A further official a petition concerns, after ``Petition.target_person``.

    A report may name several officials, such as a village's secretary and
    its director. Each one is kept here so that the report is hidden from
    all of them (``visibility``) and routed past all of their units.
    """

    petition = models.ForeignKey(Petition, models.PROTECT, related_name="further_targets",
                                 verbose_name=_("petition"))
    person = models.ForeignKey("organisation.Person", models.PROTECT, related_name="+",
                               verbose_name=_("person concerned"))

    scope_region = "petition__region"
    scope_unit = "petition__assigned_unit"

    class Meta:
        ordering = ["petition_id", "id"]
        verbose_name = _("further person concerned")
        verbose_name_plural = _("further persons concerned")
        constraints = [models.UniqueConstraint(fields=["petition", "person"],
                                               name="further_target_person_once")]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.person_id}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class ExtensionRequest(AuditedModel):
    """A request to extend the handling period; the reason is shown to the reporter."""

    petition = models.ForeignKey(Petition, models.PROTECT, related_name="extensions",
                                 verbose_name=_("petition"))
    days = models.PositiveSmallIntegerField(_("days"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(_("status"), max_length=10, choices=ExtensionStatus.choices,
                              default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    previous_due = models.DateField(_("deadline before"), null=True, blank=True)
    new_due = models.DateField(_("deadline after"), null=True, blank=True)

    scope_region = "petition__region"
    scope_unit = "petition__assigned_unit"

    class Meta:
        ordering = ["petition_id", "requested_at"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    def __str__(self) -> str:
        return f"{self.petition_id} +{self.days}"


class ReviewLevel(models.TextChoices):
    REVIEW = "review", _("review")
    RE_REVIEW = "re_review", _("re-review")


class ReviewRequest(AuditedModel):
    """A reporter's request for review (复查) or re-review (复核) of a written answer."""

    petition = models.ForeignKey(Petition, models.PROTECT, related_name="review_requests",
                                 verbose_name=_("petition"))
    level = models.CharField(_("level"), max_length=10, choices=ReviewLevel.choices)
    reason = models.TextField(_("reason"))
    requested_on = models.DateField(_("requested on"))
    reviewing_unit = models.ForeignKey(
        "organisation.Unit", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("reviewing unit"),
    )
    due_on = models.DateField(_("decision due"))
    decision = models.OneToOneField(Reply, models.PROTECT, null=True, blank=True,
                                    related_name="review_request", verbose_name=_("decision"))

    scope_region = "petition__region"
    scope_unit = "petition__assigned_unit"

    class Meta:
        ordering = ["petition_id", "requested_on"]
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")

    def __str__(self) -> str:
        return f"{self.petition_id} {self.level}"


class WorkdayOverride(AuditedModel):
    """A day whose working status an administrator set from the State Council's holiday notice.

    An override wins over the chinese-calendar package and is the only
    source for years that package does not cover.
    """

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, blank=True,
                            help_text=_("For example “Spring Festival” or “make-up working day”."))
    source = models.CharField(
        _("source"), max_length=300,
        help_text=_("The notice this day comes from, with its document number."),
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class ReceivedReport(models.Model):
    """A citizen's report that has its receipt and waits to be registered.

    With deferred registration (``settings.PETITIONS_DEFERRED_REGISTRATION``)
    the report API responds to a plainly valid report at once and stores it
    here; ``sunshine.petitions.deferred_intake.register_waiting`` then
    registers it as a ``Petition`` with the same tracking code and secret.
    The report itself (``payload``, encrypted) is kept only while it waits:
    registration or refusal empties it. Not an audited model: the petition's
    registration is the audited step, and this row is never shown to staff.
    """

    class Outcome(models.TextChoices):
        WAITING = "waiting", _("waiting to be registered")
        REGISTERED = "registered", _("registered")
        REFUSED = "refused", _("not accepted")

    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField(_("received at"))
    language = models.CharField(max_length=10)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # No constraint or index on these: they come from the checked form, the registrar
    # checks them again, and nothing looks received reports up by them. Each one would
    # cost every receipt's insert a trigger or an index update.
    category = models.ForeignKey(Category, on_delete=models.DO_NOTHING, related_name="+",
                                 db_constraint=False, db_index=False)
    region = models.ForeignKey("organisation.Region", on_delete=models.DO_NOTHING,
                               related_name="+", db_constraint=False, db_index=False)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices,
                               default=Outcome.WAITING)
    payload = models.TextField(blank=True)
    refusal = models.TextField(_("reason not accepted"), blank=True)
    petition = models.ForeignKey(Petition, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", db_index=False)

    class Meta:
        indexes = [models.Index(fields=["id"], condition=Q(outcome="waiting"),
                                name="received_report_waiting")]
        verbose_name = _("received report")
        verbose_name_plural = _("received reports")

    def __str__(self) -> str:
        return self.tracking_code


# Supervision days and reward points live in their own module.
from sunshine.petitions import models_ops  # noqa: E402, F401
