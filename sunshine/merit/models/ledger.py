"""The append-only ledger of merit points per person.

Rows are only ever inserted. The actions never update or delete one, the
admin is read-only, and database triggers (migration
``0002_guard_point_entries``) reject UPDATE and DELETE on both SQLite and
PostgreSQL. The only change a trigger lets through is the audit layer
pointing a fresh row at its audit entry once, right after the insert.

A correction is a new row: a reversal (``kind`` reversal) or the offset of
an approved exemption (``kind`` exemption) points at the entry it cancels
through ``reverses`` and carries the negated points, so each entry can be
cancelled once.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sunshine.audit.models import AuditedModel
from sunshine.merit.models.rules import PointRule


class EntryKind(models.TextChoices):
    POSTING = "posting", pgettext_lazy("point entry", "posting")
    REVERSAL = "reversal", pgettext_lazy("point entry", "reversal")
    EXEMPTION = "exemption", pgettext_lazy("point entry", "exemption offset")


class PointEntryQuerySet(models.QuerySet):
    def between(self, first: datetime.date, last: datetime.date) -> "PointEntryQuerySet":
        """Entries whose event happened from ``first`` to ``last``, both included."""
        return self.filter(occurred_on__gte=first, occurred_on__lte=last)

    def postings(self) -> "PointEntryQuerySet":
        return self.filter(kind=EntryKind.POSTING)

    def for_cause(self, cause: models.Model) -> "PointEntryQuerySet":
        cause_type = ContentType.objects.get_for_model(cause)
        return self.filter(cause_type=cause_type, cause_id=cause.pk)


class PointEntry(AuditedModel):
    """Points one person got or lost for one event, under one version of a rule.

    ``rule_points`` is what the rule version gives; ``points`` is what
    counts after the quarterly cap, so ``rule_points - points`` is the part
    the cap removed. ``rule_code`` repeats the rule's code so that a
    database constraint can allow one posting per person, rule and cause.
    """

    person = models.ForeignKey("organisation.Person", models.PROTECT,
                               related_name="point_entries", verbose_name=_("person"))
    rule = models.ForeignKey(PointRule, models.PROTECT, related_name="entries",
                             verbose_name=_("rule version"))
    rule_code = models.SlugField(_("rule code"), max_length=40, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices,
                            default=EntryKind.POSTING)
    points = models.IntegerField(_("points"))
    rule_points = models.IntegerField(_("points under the rule"))
    cap = models.PositiveIntegerField(_("cap in force"), null=True, blank=True)
    period = models.CharField(_("quarter"), max_length=6, db_index=True)
    occurred_on = models.DateField(_("occurred on"))
    cause_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+",
                                   verbose_name=_("cause type"))
    cause_id = models.PositiveBigIntegerField(_("cause id"))
    cause = GenericForeignKey("cause_type", "cause_id")
    cause_label = models.CharField(_("cause"), max_length=300)
    reverses = models.OneToOneField("self", models.PROTECT, null=True, blank=True,
                                    related_name="reversed_by", verbose_name=_("cancels entry"))
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"))

    objects = PointEntryQuerySet.as_manager()

    scope_region = "person__unit__region"
    scope_unit = "person__unit"

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("point entry")
        verbose_name_plural = _("point entries")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "rule_code", "cause_type", "cause_id"],
                condition=Q(kind="posting"), name="point_entry_one_posting_per_cause"),
            models.CheckConstraint(
                condition=Q(kind="posting", reverses__isnull=True)
                | (~Q(kind="posting") & Q(reverses__isnull=False) & ~Q(reason="")),
                name="point_entry_correction_has_target_and_reason"),
        ]
        indexes = [
            models.Index(fields=["person", "occurred_on"], name="point_entry_person_day_idx"),
            models.Index(fields=["person", "rule_code", "period"],
                         name="point_entry_cap_idx"),
            # The ledger page's order and its quarter filter, over all people in scope.
            models.Index(fields=["occurred_on", "id"], name="point_entry_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.rule_code} {self.points:+d} ({self.occurred_on})"

    @property
    def capped_points(self) -> int:
        """Points the quarterly cap removed from this entry; 0 when the cap did not apply."""
        return self.rule_points - self.points
