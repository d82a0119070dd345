"""Directives from above (上级决策部署) and the duty list of each unit (权责清单)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sunshine.audit.models import AuditedModel
from sunshine.duties.models.fields import PercentField
from sunshine.funds.models import FundSource


class Directive(AuditedModel):
    """A decision or document from a higher level that tasks put into practice."""

    title = models.CharField(_("title"), max_length=300)
    document_number = models.CharField(
        _("document number"), max_length=100, unique=True,
        help_text=_("The number the issuing office gave the document, for example 台政办发〔2024〕12号."),
    )
    issuer = models.CharField(_("issuer"), max_length=200)
    issued_on = models.DateField(_("date issued"))
    region = models.ForeignKey("organisation.Region", models.PROTECT, related_name="directives",
                               verbose_name=_("region"))
    unit = models.ForeignKey(
        "organisation.Unit", models.PROTECT, null=True, blank=True, related_name="directives",
        verbose_name=_("responsible unit"),
    )
    description = models.TextField(_("description"), blank=True)
    # Set on the directive the platform makes to hold one year of a recurring
    # duty's period tasks (see sunshine.duties.occurrences); null on documents.
    generated_for = models.ForeignKey(
        "duties.Duty", models.PROTECT, null=True, blank=True, editable=False,
        related_name="period_directives", verbose_name=_("recurring duty"),
    )
    # Added after directives existed: see sunshine.audit.chain.digest_row.
    audit_added = ("generated_for",)

    scope_region = "region"
    scope_unit = "unit"

    class Meta:
        ordering = ["-issued_on", "document_number"]
        verbose_name = _("directive")
        verbose_name_plural = _("directives")

    def __str__(self) -> str:
        return f"{self.document_number} {self.title}"


class Cycle(models.TextChoices):
    ONCE = "once", _("once, by a deadline")
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    YEARLY = "yearly", _("yearly")


class DutyQuerySet(models.QuerySet):
    def in_region(self, region) -> "DutyQuerySet":
        return self.filter(unit__region__path__startswith=region.path)


class PublicDutyManager(models.Manager.from_queryset(DutyQuerySet)):  # type: ignore[misc]
    def get_queryset(self):
        return super().get_queryset().filter(is_public=True)


class Duty(AuditedModel):
    """One item of a unit's duty list: what it must do, on what basis, with what money."""

    unit = models.ForeignKey("organisation.Unit", models.PROTECT, related_name="duties",
                             verbose_name=_("executing unit"))
    code = models.CharField(_("item number"), max_length=50)
    name = models.CharField(_("duty"), max_length=300)
    category = models.CharField(_("duty category"), max_length=100, blank=True)
    basis = models.TextField(_("legal or policy basis"))
    cycle = models.CharField(_("cycle"), max_length=10, choices=Cycle.choices,
                             default=Cycle.ONCE)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    required_evidence = models.TextField(_("required evidence"), blank=True)
    is_public = models.BooleanField(_("public"), default=False)
    directive = models.ForeignKey(Directive, models.PROTECT, null=True, blank=True,
                                  related_name="duties", verbose_name=_("directive"))
    # The day the duty was entered; a recurring duty without a directive is due from then.
    created_on = models.DateField(_("entered on"), null=True, blank=True, editable=False)

    all_objects = DutyQuerySet.as_manager()
    # Added after duties existed: see sunshine.audit.chain.digest_row.
    audit_added = ("created_on",)
    public_objects = PublicDutyManager()

    scope_region = "unit__region"
    scope_unit = "unit"

    class Meta:
        ordering = ["unit_id", "code"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="duty_unique_code_in_unit"),
            models.CheckConstraint(condition=Q(cycle="once", deadline__isnull=False)
                                   | ~Q(cycle="once"), name="duty_once_has_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DutyFunding(AuditedModel):
    """A share of a duty's cost paid from one source, e.g. county finance 80%."""

    duty = models.ForeignKey(Duty, models.PROTECT, related_name="funding",
                             verbose_name=_("duty"))
    source = models.CharField(_("fund source"), max_length=20, choices=FundSource.choices)
    share = PercentField(_("share (%)"))

    scope_region = "duty__unit__region"
    scope_unit = "duty__unit"

    class Meta:
        ordering = ["duty_id", "-share", "source"]
        verbose_name = _("duty funding")
        verbose_name_plural = _("duty funding")
        constraints = [
            models.UniqueConstraint(fields=["duty", "source"], name="duty_funding_unique_source"),
            models.CheckConstraint(condition=Q(share__gt=0, share__lte=100),
                                   name="duty_funding_share_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.share}%"


class DutyStep(AuditedModel):
    """A step of a duty's standard procedure and the evidence it must leave.

    Zhejiang's village "small and micro power" lists (宁海36条) give each
    item a flow chart whose every step uploads its evidence; ``is_disclosed``
    marks the steps whose result is made public.
    """

    duty = models.ForeignKey(Duty, models.PROTECT, related_name="steps", verbose_name=_("duty"))
    number = models.PositiveSmallIntegerField(_("step number"))
    name = models.CharField(_("step"), max_length=200)
    time_limit_days = models.PositiveSmallIntegerField(_("time limit (days)"), null=True,
                                                       blank=True)
    required_evidence = models.TextField(_("required evidence"), blank=True)
    is_disclosed = models.BooleanField(_("result made public"), default=False)

    scope_region = "duty__unit__region"
    scope_unit = "duty__unit"

    class Meta:
        ordering = ["duty_id", "number"]
        verbose_name = _("duty step")
        verbose_name_plural = _("duty steps")
        constraints = [
            models.UniqueConstraint(fields=["duty", "number"], name="duty_step_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"
