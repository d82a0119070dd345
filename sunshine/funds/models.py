"""Projects and the money around them: allocations, disbursements, procurement.

Amounts are ``FenField``: Decimal yuan in Python, integer fen in the
database. Each amount carries its ISO 4217 currency, because imported
procurement data comes in UAH, MXN, AMD or TWD as well as CNY.
"""

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunshine.audit.models import AuditedModel
from sunshine.lib.money import FenField

CNY = "CNY"


class Source(models.TextChoices):
    MANUAL = "manual", _("entered by staff")
    LEDGER = "ledger", _("Excel ledger")
    OCDS = "ocds", _("OCDS import")
    DEMO = "demo", _("demo data")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("not started")
    IN_PROGRESS = "in_progress", _("under construction")
    COMPLETED = "completed", _("completed")
    SUSPENDED = "suspended", _("suspended")
    CANCELLED = "cancelled", _("cancelled")


class FundSource(models.TextChoices):
    CENTRAL = "central", _("central government")
    PROVINCIAL = "provincial", _("provincial government")
    CITY = "city", _("city government")
    COUNTY = "county", _("county government")
    TOWNSHIP = "township", _("township government")
    SELF_RAISED = "self_raised", _("self-raised")
    OTHER = "other", _("other")


class ProjectQuerySet(models.QuerySet):
    def in_region(self, region) -> "ProjectQuerySet":
        return self.filter(region__path__startswith=region.path)

    def overdue(self, today=None) -> "ProjectQuerySet":
        today = today or timezone.localdate()
        return self.filter(planned_end__lt=today).exclude(
            status__in=[ProjectStatus.COMPLETED, ProjectStatus.CANCELLED]
        )

    def overspent(self) -> "ProjectQuerySet":
        return self.filter(paid_beyond_arrival())

    def over_budget(self) -> "ProjectQuerySet":
        return self.filter(paid_beyond_budget())

    def over_contract(self) -> "ProjectQuerySet":
        return self.filter(paid_beyond_contract())

    def search(self, text: str) -> "ProjectQuerySet":
        """Match a project code, a substring of its name, or its village's name or code."""
        text = text.strip()
        if not text:
            return self
        return self.filter(search_condition(text))


def search_condition(text: str) -> Q:
    """Match the start of a project code, a substring of its name, or its village's name or code.

    A code prefix such as JJ-2024 finds the projects of that county and year.
    """
    return (Q(code__istartswith=text)
            | Q(name__icontains=text)
            | Q(region__name__icontains=text)
            | Q(region_id=text))


class PublicProjectManager(models.Manager.from_queryset(ProjectQuerySet)):  # type: ignore[misc]
    def get_queryset(self):
        return super().get_queryset().filter(is_public=True)


class Project(AuditedModel):
    code = models.CharField(_("project code"), max_length=100, unique=True)
    name = models.CharField(_("project name"), max_length=300)
    category = models.CharField(_("category"), max_length=50, blank=True)
    region = models.ForeignKey(
        "organisation.Region", models.PROTECT, related_name="projects", verbose_name=_("region")
    )
    owner_unit = models.ForeignKey(
        "organisation.Unit", models.PROTECT, null=True, blank=True, related_name="projects",
        verbose_name=_("owner unit"),
    )
    responsible_person = models.ForeignKey(
        "organisation.Person", models.SET_NULL, null=True, blank=True, related_name="projects",
        verbose_name=_("responsible person"),
    )
    # Name as written in an imported ledger when no Person record matches it.
    responsible_name = models.CharField(_("responsible person (as imported)"), max_length=50,
                                        blank=True)
    budget = FenField(_("budget"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default=CNY)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned completion"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("physical progress (%)"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus.choices,
                              default=ProjectStatus.PLANNED)
    is_public = models.BooleanField(_("public"), default=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices,
                              default=Source.MANUAL)
    description = models.TextField(_("description"), blank=True)

    # Sums of the child rows, refreshed by the funds actions in the same
    # transaction, so list pages and the public query read one row.
    allocated_total = FenField(_("allocated"), default=0, editable=False)
    arrived_total = FenField(_("arrived"), default=0, editable=False)
    paid_total = FenField(_("paid"), default=0, editable=False)
    audit_exclude = ("allocated_total", "arrived_total", "paid_total")

    all_objects = ProjectQuerySet.as_manager()
    public_objects = PublicProjectManager()

    scope_region = "region"
    scope_unit = "owner_unit"

    class Meta:
        ordering = ["code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["region", "status"], name="project_region_status_idx"),
            models.Index(fields=["is_public", "code"], name="project_public_code_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="project_progress_max_100"),
            models.CheckConstraint(condition=Q(budget__gte=0) | Q(budget__isnull=True),
                                   name="project_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def remaining(self):
        return self.arrived_total - self.paid_total

    @classmethod
    def derived_mismatches(cls) -> list[int]:
        """Return ids of projects whose cached totals differ from the sums of their rows."""
        from sunshine.funds.totals import child_sum

        annotated = cls.all_objects.order_by().annotate(
            allocated_sum=child_sum(Allocation, "approved_amount"),
            arrived_sum=child_sum(Allocation, "arrived_amount"),
            paid_sum=child_sum(Disbursement, "amount"),
        )
        mismatched = annotated.exclude(
            allocated_total=F("allocated_sum"), arrived_total=F("arrived_sum"),
            paid_total=F("paid_sum"),
        )
        return list(mismatched.values_list("pk", flat=True))


def rows_in_other_currency(model: type[models.Model]) -> QuerySet:
    """Return the allocations or disbursements whose currency differs from their project's.

    The project's totals leave such rows out, because amounts of two
    currencies cannot be added, so a person must review each of them.
    """
    return model._default_manager.exclude(currency=F("project__currency"))


def currency_review_notes(model: type[models.Model]) -> list[str]:
    """Describe each row of ``model`` in another currency than its project, for ``verify_audit``."""
    rows = (rows_in_other_currency(model).order_by("project__code", "pk")
            .values_list("pk", "currency", "project__code", "project__currency"))
    return [
        _("%(model)s row %(pk)s of project “%(code)s” is in %(currency)s, but the project keeps "
          "its amounts in %(project_currency)s, so its totals leave the row out; enter the "
          "amount again in %(project_currency)s and delete the row") % {
            "model": model._meta.label_lower, "pk": pk, "currency": currency, "code": code,
            "project_currency": project_currency}
        for pk, currency, code, project_currency in rows
    ]


class Allocation(AuditedModel):
    """Funds approved (下达) for a project from one source, and what has arrived (到位)."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="allocations",
                                verbose_name=_("project"))
    source = models.CharField(_("fund source"), max_length=20, choices=FundSource.choices)
    approved_amount = FenField(_("approved amount"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    arrived_amount = FenField(_("arrived amount"), default=0)
    arrived_on = models.DateField(_("arrived on"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default=CNY)
    document_no = models.CharField(_("document number"), max_length=100, blank=True)
    origin = models.CharField(_("source"), max_length=10, choices=Source.choices,
                              default=Source.MANUAL)

    scope_region = "project__region"
    scope_unit = "project__owner_unit"

    class Meta:
        ordering = ["project_id", "approved_on", "id"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(condition=Q(approved_amount__gte=0) & Q(arrived_amount__gte=0),
                                   name="allocation_amounts_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.get_source_display()} {self.approved_amount}"

    @classmethod
    def review_notes(cls) -> list[str]:
        return currency_review_notes(cls)


class Supplier(AuditedModel):
    """A company or organisation that bids, contracts or is paid.

    ``scheme`` and ``identifier`` keep a foreign registry number (for
    example UA-EDR or MX-RFC from OCDS data); Chinese companies carry their
    unified social credit code.
    """

    name = models.CharField(_("name"), max_length=300)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, null=True,
                                   blank=True, unique=True)
    scheme = models.CharField(_("identifier scheme"), max_length=40, blank=True)
    identifier = models.CharField(_("identifier"), max_length=100, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=60, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "identifier"],
                                    condition=~Q(identifier=""),
                                    name="supplier_unique_foreign_identifier"),
        ]

    def __str__(self) -> str:
        return self.name


class Disbursement(AuditedModel):
    """A payment (支付) out of a project's funds."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="disbursements",
                                verbose_name=_("project"))
    paid_on = models.DateField(_("payment date"))
    amount = FenField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default=CNY)
    payee_name = models.CharField(_("payee"), max_length=300)
    # A payee with neither a credit code nor a supplier record that has a credit
    # code or a registry identifier is taken to be a private person, whose name
    # the public pages mask.
    payee_is_person = models.BooleanField(_("payee is a private person"), default=False)
    payee_credit_code = models.CharField(_("payee credit code"), max_length=18, blank=True)
    supplier = models.ForeignKey(Supplier, models.PROTECT, null=True, blank=True,
                                 related_name="disbursements", verbose_name=_("supplier"))
    voucher_no = models.CharField(_("voucher number"), max_length=100, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    exceeds_arrived = models.BooleanField(_("exceeds arrived funds"), default=False)
    origin = models.CharField(_("source"), max_length=10, choices=Source.choices,
                              default=Source.MANUAL)
    external_id = models.CharField(_("external id"), max_length=200, blank=True)

    scope_region = "project__region"
    scope_unit = "project__owner_unit"

    class Meta:
        ordering = ["project_id", "paid_on", "id"]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        indexes = [models.Index(fields=["project", "paid_on"], name="disbursement_project_date_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="disbursement_amount_not_negative"),
        ]

    @property
    def is_private_payee(self) -> bool:
        """Whether the payee counts as a private person, whose name is never published.

        A supplier known only by its name, as OCDS imports once stored such
        payees, does not make the payee public.
        ``sunshine.portal.disclosure.private_payee_condition`` is the same test
        in SQL.
        """
        if self.payee_is_person:
            return True
        supplier = self.supplier if self.supplier_id is not None else None
        identified = supplier is not None and bool(supplier.credit_code or supplier.identifier)
        return not self.payee_credit_code and not identified

    def __str__(self) -> str:
        return f"{self.project_id} {self.paid_on} {self.amount}"

    @classmethod
    def review_notes(cls) -> list[str]:
        return currency_review_notes(cls)


class ProcurementMethod(models.TextChoices):
    OPEN = "open", _("open tender")
    SELECTIVE = "selective", _("selective tender")
    LIMITED = "limited", _("limited tender")
    DIRECT = "direct", _("direct purchase")
    OTHER = "other", _("other")


class Procurement(AuditedModel):
    """A tender or other purchase procedure for a project (OCDS contracting process)."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="procurements",
                                verbose_name=_("project"))
    ocid = models.CharField(_("OCDS id"), max_length=120, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    method = models.CharField(_("method"), max_length=20, choices=ProcurementMethod.choices,
                              default=ProcurementMethod.OTHER)
    method_details = models.CharField(_("method details"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=40, blank=True)
    buyer_name = models.CharField(_("buyer"), max_length=300, blank=True)
    value = FenField(_("estimated value"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default=CNY)
    number_of_tenderers = models.PositiveIntegerField(_("number of tenderers"), null=True,
                                                      blank=True)
    tender_start = models.DateField(_("tender period start"), null=True, blank=True)
    tender_end = models.DateField(_("tender period end"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    scope_region = "project__region"
    scope_unit = "project__owner_unit"

    class Meta:
        ordering = ["project_id", "id"]
        verbose_name = _("procurement")
        verbose_name_plural = _("procurements")

    def __str__(self) -> str:
        return self.title or self.ocid


class Bid(AuditedModel):
    procurement = models.ForeignKey(Procurement, models.CASCADE, related_name="bids",
                                    verbose_name=_("procurement"))
    supplier = models.ForeignKey(Supplier, models.PROTECT, null=True, blank=True,
                                 related_name="bids", verbose_name=_("bidder"))
    amount = FenField(_("amount"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default=CNY)
    status = models.CharField(_("status"), max_length=40, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)

    scope_region = "procurement__project__region"
    scope_unit = "procurement__project__owner_unit"

    class Meta:
        ordering = ["procurement_id", "id"]
        verbose_name = _("bid")
        verbose_name_plural = _("bids")

    def __str__(self) -> str:
        return f"{self.supplier} {self.amount}"


class Award(AuditedModel):
    procurement = models.ForeignKey(Procurement, models.CASCADE, related_name="awards",
                                    verbose_name=_("procurement"))
    external_id = models.CharField(_("award id"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    suppliers = models.ManyToManyField(Supplier, blank=True, related_name="awards",
                                       verbose_name=_("suppliers"))
    amount = FenField(_("amount"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default=CNY)
    status = models.CharField(_("status"), max_length=40, blank=True)
    awarded_on = models.DateField(_("award date"), null=True, blank=True)

    scope_region = "procurement__project__region"
    scope_unit = "procurement__project__owner_unit"

    class Meta:
        ordering = ["procurement_id", "id"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return self.title or self.external_id


class Contract(AuditedModel):
    project = models.ForeignKey(Project, models.CASCADE, related_name="contracts",
                                verbose_name=_("project"))
    procurement = models.ForeignKey(Procurement, models.SET_NULL, null=True, blank=True,
                                    related_name="contracts", verbose_name=_("procurement"))
    award = models.ForeignKey(Award, models.SET_NULL, null=True, blank=True,
                              related_name="contracts", verbose_name=_("award"))
    external_id = models.CharField(_("contract id"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    supplier = models.ForeignKey(Supplier, models.PROTECT, null=True, blank=True,
                                 related_name="contracts", verbose_name=_("supplier"))
    amount = FenField(_("amount"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default=CNY)
    status = models.CharField(_("status"), max_length=40, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    start_on = models.DateField(_("start date"), null=True, blank=True)
    end_on = models.DateField(_("end date"), null=True, blank=True)

    scope_region = "project__region"
    scope_unit = "project__owner_unit"

    class Meta:
        ordering = ["project_id", "id"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    def __str__(self) -> str:
        return self.title or self.external_id


class DisposalMethod(models.TextChoices):
    AUCTION = "auction", _("public auction")
    TENDER = "tender", _("tender")
    TRANSFER = "transfer", _("negotiated transfer")
    LEASE = "lease", _("lease")
    SHARE = "share", _("investment as shares")
    OTHER = "other", _("other")


class AssetDisposal(AuditedModel):
    """A village collective's sale, lease or other disposal of an asset.

    Disclosure deadlines come from the versioned settings
    ``assets.disclosure_days`` and ``assets.objection_days``.
    """

    region = models.ForeignKey("organisation.Region", models.PROTECT,
                               related_name="asset_disposals", verbose_name=_("village"))
    unit = models.ForeignKey("organisation.Unit", models.PROTECT, null=True, blank=True,
                             related_name="asset_disposals", verbose_name=_("unit"))
    asset_name = models.CharField(_("asset"), max_length=300)
    method = models.CharField(_("method"), max_length=20, choices=DisposalMethod.choices)
    appraised_amount = FenField(_("appraised value"), null=True, blank=True)
    price = FenField(_("price"))
    currency = models.CharField(_("currency"), max_length=3, default=CNY)
    buyer_name = models.CharField(_("buyer"), max_length=300)
    buyer_is_person = models.BooleanField(_("buyer is a private person"), default=False)
    buyer_credit_code = models.CharField(_("buyer credit code"), max_length=18, blank=True)
    decided_on = models.DateField(_("decided on"))
    disclosed_on = models.DateField(_("disclosed on"), null=True, blank=True)
    disclosure_end = models.DateField(_("objection period ends"), null=True, blank=True)
    is_public = models.BooleanField(_("public"), default=True)

    scope_region = "region"
    scope_unit = "unit"

    class Meta:
        ordering = ["-decided_on", "id"]
        verbose_name = _("collective asset disposal")
        verbose_name_plural = _("collective asset disposals")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="disposal_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.asset_name


from sunshine.funds.models_ledger import ImportJob, ImportStatus  # noqa: E402, F401


def paid_beyond_arrival() -> Q:
    """Match projects that have paid out more than has arrived.

    A project with nothing allocated and nothing arrived, as OCDS imports
    leave it, has nothing to compare its payments with, so it never matches.
    """
    return Q(paid_total__gt=F("arrived_total")) & (Q(allocated_total__gt=0)
                                                   | Q(arrived_total__gt=0))


def paid_beyond_budget() -> Q:
    """Match projects whose payments add up to more than their budget."""
    return Q(budget__isnull=False, paid_total__gt=F("budget"))


def paid_beyond_contract() -> Q:
    """Match projects that have paid a contractor more than its contracts are worth."""
    return Q(Exists(contract_overruns().filter(project=OuterRef("pk"))))


def contract_overruns() -> QuerySet:
    """Return the payments to each contractor of a project that exceed its contracts.

    Each row has ``project``, ``supplier``, ``currency``, ``paid`` and
    ``contracted``. Payments count against the contracts of the same project,
    supplier and currency. Contracts without an amount count for nothing, and
    a supplier without any contract with an amount is left out.
    """
    contracted = (
        Contract.objects.filter(project=OuterRef("project"), supplier=OuterRef("supplier"),
                                currency=OuterRef("currency"), amount__isnull=False)
        .order_by().values("supplier").annotate(total=Sum("amount")).values("total")
    )
    return (
        Disbursement.objects.filter(supplier__isnull=False).order_by()
        .values("project", "supplier", "currency")
        .annotate(paid=Sum("amount"), contracted=Subquery(contracted))
        .filter(paid__gt=F("contracted"))
    )
