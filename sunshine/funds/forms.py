"""Forms of the staff pages: projects, allocations, disbursements, suppliers,
collective asset disposals and people.

Each field error names the value that was entered and how to fix it.
Region, unit and person choices are limited to the user's write scope, and
every edit form carries the row ``version`` that the action compares.
"""

import datetime
import re
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from sunshine.funds.codes import project_code_problem
from sunshine.funds.models import (
    CNY,
    AssetDisposal,
    DisposalMethod,
    FundSource,
    Project,
    ProjectQuerySet,
    ProjectStatus,
    Supplier,
)
from sunshine.lib import crypto
from sunshine.lib.form_fields import DayField
from sunshine.lib.identifiers import normalize_credit_code, normalize_id_number
from sunshine.lib.money import MoneyError, parse_amount
from sunshine.lib.text_input import TextField
from sunshine.organisation.models import Level, Person, Region, Unit
from sunshine.organisation.scoping import scoped

MAX_PERCENT = 100
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 \-]{4,19}$")


def label(model: type[Model], name: str) -> Any:
    return getattr(model._meta.get_field(name), "verbose_name", name)


def limit_choices(form: forms.Form, name: str, queryset: QuerySet) -> None:
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset


# A yuan unit or sign in a typed amount.
YUAN_MARK = re.compile(r"[元¥￥]")


class AmountField(forms.Field):
    """An amount in yuan, typed as 1200.50, 1,200.50 元 or 12.5万元; never negative.

    parse_amount rejects amounts over MAX_TYPED_YUAN, the limit of every entry path.
    With another ``currency`` the amount is in that currency, and a yuan unit is
    rejected.
    """

    def __init__(self, *, positive: bool = False, **kwargs: Any) -> None:
        self.positive = positive
        self.currency = CNY
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal",
                                                           "maxlength": 40}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value).strip() if value is not None else ""
        if text in self.empty_values:
            return None
        if self.currency != CNY and YUAN_MARK.search(text):
            raise ValidationError(
                _("“%(value)s” is in yuan, but this project keeps its amounts in %(currency)s; "
                  "enter the amount in %(currency)s without 元, 万元 or ¥"),
                code="yuan_unit", params={"value": text, "currency": self.currency},
            )
        try:
            amount = parse_amount(text)
        except MoneyError as error:
            raise ValidationError(str(error), code="invalid") from None
        if amount < 0:
            raise ValidationError(
                _("Amount “%(value)s” is negative; enter zero or a positive amount"),
                code="negative", params={"value": text},
            )
        if self.positive and amount == 0:
            raise ValidationError(
                _("Amount “%(value)s” is zero; enter the amount actually paid"),
                code="zero", params={"value": text},
            )
        return amount


class PercentField(forms.IntegerField):
    """A whole percentage from 0 to 100."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.NumberInput(attrs={"min": 0, "max": MAX_PERCENT}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(
                _("“%(value)s” is not a whole number; enter a percentage from 0 to 100"),
                code="invalid", params={"value": value},
            ) from None

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not 0 <= value <= MAX_PERCENT:
            raise ValidationError(
                _("Progress “%(value)s” is outside 0–100; enter a percentage from 0 to 100"),
                code="out_of_range", params={"value": value},
            )


# Rows whose names an out-of-scope rejection may show: the public divisions and units.
NAMED_MODELS = (Region, Unit)


class ScopedChoiceField(forms.ModelChoiceField):
    """A choice among rows the user may edit, with an error naming why a value was rejected."""

    def to_python(self, value: Any) -> Model | None:
        try:
            return super().to_python(value)
        except ValidationError:
            pass
        if self.queryset is None or not issubclass(self.queryset.model, NAMED_MODELS):
            # Unknown and out-of-scope ids get the same message, so a user can
            # neither read the name of a person, directive or duty outside the
            # scope nor tell which ids exist there.
            raise ValidationError(
                _("“%(value)s” is not among the choices you may use; choose one from the list"),
                code="invalid_choice", params={"value": value},
            )
        existing = self.find_anywhere(value)
        if existing is not None:
            raise ValidationError(
                _("“%(name)s” (%(value)s) is outside the regions and units you may edit; "
                  "choose one from the list"),
                code="out_of_scope", params={"name": existing, "value": value},
            )
        raise ValidationError(
            _("“%(value)s” does not exist; choose one from the list"),
            code="invalid_choice", params={"value": value},
        )

    def find_anywhere(self, value: Any) -> Model | None:
        if self.queryset is None:
            return None
        try:
            return self.queryset.model._base_manager.filter(pk=value).first()
        except (ValueError, TypeError, ValidationError):
            return None


class VersionField(forms.IntegerField):
    """The row version the editor loaded, sent back as ``expected_version``."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("error_messages", {
            "required": gettext_lazy("The form lost the record version; reload the page "
                                     "and enter your change again"),
            "invalid": gettext_lazy("The record version in the form is damaged; reload "
                                    "the page and enter your change again"),
            "min_value": gettext_lazy("The record version in the form is damaged; reload "
                                      "the page and enter your change again"),
        })
        super().__init__(**kwargs)


class DeleteForm(forms.Form):
    version = VersionField()


def optional_credit_code(value: str) -> str:
    value = (value or "").strip()
    return normalize_credit_code(value) if value else ""


def regions_in_scope(user: Any, *levels: str) -> QuerySet:
    regions = scoped(Region.objects.current(), user, write=True)
    return regions.filter(level__in=levels) if levels else regions


def units_in_scope(user: Any) -> QuerySet:
    return scoped(Unit.objects.select_related("region"), user, write=True)


class EditForm(forms.Form):
    """Base of the edit forms: optional version field and field-to-change mapping."""

    def __init__(self, *args: Any, versioned: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if versioned:
            self.fields["version"] = VersionField()

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def add_unique_errors(self) -> bool:
        """Repeat the form's uniqueness checks after the database rejected a save.

        Another request can take a unique value between ``clean()`` and the
        INSERT, and then the unique constraint raises IntegrityError. Returns
        True when a check found the value taken and added its error.
        """
        return False

    def changes(self) -> dict[str, Any]:
        """Return the cleaned values keyed by model field name, without the version."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ProjectForm(EditForm):
    code = TextField(label=label(Project, "code"), max_length=100)
    name = TextField(label=label(Project, "name"), max_length=300)
    category = TextField(label=label(Project, "category"), max_length=50, required=False)
    region = ScopedChoiceField(label=label(Project, "region"), queryset=Region.objects.none())
    owner_unit = ScopedChoiceField(label=label(Project, "owner_unit"), queryset=Unit.objects.none(),
                                   required=False)
    responsible_person = ScopedChoiceField(label=label(Project, "responsible_person"),
                                           queryset=Person.objects.none(), required=False)
    budget = AmountField(label=label(Project, "budget"), required=False,
                         help_text=gettext_lazy("In yuan; 万元 is accepted, e.g. 120万元."))
    planned_start = DayField(label=label(Project, "planned_start"), required=False)
    planned_end = DayField(label=label(Project, "planned_end"), required=False)
    progress = PercentField(label=label(Project, "progress"), initial=0)
    status = forms.ChoiceField(label=label(Project, "status"), choices=ProjectStatus.choices,
                               initial=ProjectStatus.PLANNED)
    is_public = forms.BooleanField(label=label(Project, "is_public"), required=False)
    description = TextField(label=label(Project, "description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, user: Any, *args: Any, project: Project | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, versioned=project is not None, **kwargs)
        self.project = project
        # A new project is kept in yuan; the budget of an imported one is in its currency.
        use_currency(self, project.currency if project is not None else CNY)
        limit_choices(self, "region", regions_in_scope(user))
        limit_choices(self, "owner_unit", units_in_scope(user))
        limit_choices(self, "responsible_person", scoped(
            Person.objects.select_related("unit"), user, write=True))

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        # A stored code that predates the character rule stays editable as it is.
        unchanged = self.project is not None and code == self.project.code
        problem = None if unchanged else project_code_problem(code)
        if problem is not None:
            raise ValidationError(problem, code="invalid_characters")
        error = self.duplicate_code_error(code)
        if error is not None:
            raise error
        return code

    def duplicate_code_error(self, code: str) -> ValidationError | None:
        others = Project.all_objects.filter(code=code)
        if self.project is not None:
            others = others.exclude(pk=self.project.pk)
        if not others.exists():
            return None
        return ValidationError(
            _("Project code “%(value)s” is already used by another project; "
              "choose a different code"),
            code="duplicate", params={"value": code},
        )

    def add_unique_errors(self) -> bool:
        code = self.cleaned_data.get("code")
        error = self.duplicate_code_error(code) if code else None
        if error is None:
            return False
        self.add_error("code", error)
        return True

    def clean_progress(self) -> int:
        progress = self.cleaned_data.get("progress")
        return 0 if progress is None else progress

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", ValidationError(
                _("Planned completion %(end)s is before planned start %(start)s; "
                  "correct one of the two dates"),
                code="end_before_start", params={"end": end, "start": start},
            ))
        return data


def use_currency(form: forms.Form, currency: str) -> None:
    """Read the form's amounts in ``currency``, a project's currency, and name it in their help text."""
    if currency == CNY:
        return
    for field in form.fields.values():
        if isinstance(field, AmountField):
            field.currency = currency
            field.help_text = _("In %(currency)s, the currency of this project; 元 and 万元 "
                                "are not accepted.") % {"currency": currency}


class MoneyForm(EditForm):
    """An edit form of money rows, whose amounts are in ``currency``: the project's currency.

    Amounts in another currency than yuan accept no yuan unit, and their help
    text names the currency.
    """

    def __init__(self, *args: Any, currency: str = CNY, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        use_currency(self, currency)


class AllocationForm(MoneyForm):
    source = forms.ChoiceField(label=gettext_lazy("fund source"), choices=FundSource.choices)
    approved_amount = AmountField(label=gettext_lazy("approved amount"),
                                  help_text=gettext_lazy("Amount approved (下达), in yuan."))
    approved_on = DayField(label=gettext_lazy("approved on"), required=False)
    arrived_amount = AmountField(label=gettext_lazy("arrived amount"), required=False,
                                 help_text=gettext_lazy("Amount received (到位) so far, in yuan."))
    arrived_on = DayField(label=gettext_lazy("arrived on"), required=False)
    document_no = TextField(label=gettext_lazy("document number"), max_length=100,
                                  required=False)

    def clean_arrived_amount(self) -> Decimal:
        return self.cleaned_data.get("arrived_amount") or Decimal("0.00")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        approved, arrived = data.get("approved_amount"), data.get("arrived_amount")
        if approved is not None and arrived is not None and arrived > approved:
            self.add_error("arrived_amount", ValidationError(
                _("Arrived amount %(arrived)s exceeds the approved amount %(approved)s; "
                  "enter at most the approved amount"),
                code="arrived_over_approved", params={"arrived": arrived, "approved": approved},
            ))
        if arrived and not data.get("arrived_on") and "arrived_on" not in self.errors:
            self.add_error("arrived_on", ValidationError(
                _("Arrived amount %(arrived)s has no arrival date; enter the date the money "
                  "arrived"),
                code="arrival_date_missing", params={"arrived": arrived},
            ))
        approved_on, arrived_on = data.get("approved_on"), data.get("arrived_on")
        if approved_on and arrived_on and arrived_on < approved_on:
            self.add_error("arrived_on", ValidationError(
                _("Arrival date %(arrived)s is before the approval date %(approved)s; "
                  "correct one of the two dates"),
                code="arrived_before_approved",
                params={"arrived": arrived_on, "approved": approved_on},
            ))
        return data


class DisbursementForm(MoneyForm):
    paid_on = DayField(label=gettext_lazy("payment date"))
    amount = AmountField(label=gettext_lazy("amount"), positive=True)
    payee_name = TextField(label=gettext_lazy("payee"), max_length=300)
    payee_credit_code = TextField(
        label=gettext_lazy("payee credit code"), max_length=40, required=False,
        help_text=gettext_lazy("Leave empty when the payee is a private person."),
    )
    voucher_no = TextField(label=gettext_lazy("voucher number"), max_length=100,
                                 required=False)
    purpose = TextField(label=gettext_lazy("purpose"), max_length=300, required=False)

    def clean_paid_on(self) -> datetime.date:
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise ValidationError(
                _("Payment date %(value)s is in the future; record a payment once it is made"),
                code="future", params={"value": paid_on},
            )
        return paid_on

    def clean_payee_credit_code(self) -> str:
        return optional_credit_code(self.cleaned_data.get("payee_credit_code", ""))

    def changes(self) -> dict[str, Any]:
        """Link the supplier with the same credit code; a payee without one is a private person."""
        values = super().changes()
        code = values["payee_credit_code"]
        values["supplier"] = Supplier.objects.filter(credit_code=code).first() if code else None
        values["payee_is_person"] = not code
        return values


class SupplierForm(EditForm):
    name = TextField(label=label(Supplier, "name"), max_length=300)
    credit_code = TextField(label=label(Supplier, "credit_code"), max_length=40,
                                  required=False)
    legal_representative = TextField(label=label(Supplier, "legal_representative"),
                                           max_length=50, required=False)
    address = TextField(label=label(Supplier, "address"), max_length=300, required=False)
    phone = TextField(label=label(Supplier, "phone"), max_length=40, required=False)

    def __init__(self, *args: Any, supplier: Supplier | None = None, **kwargs: Any) -> None:
        super().__init__(*args, versioned=supplier is not None, **kwargs)
        self.supplier = supplier

    def clean_credit_code(self) -> str | None:
        code = optional_credit_code(self.cleaned_data.get("credit_code", ""))
        if not code:
            return None
        error = self.duplicate_credit_code_error(code)
        if error is not None:
            raise error
        return code

    def duplicate_credit_code_error(self, code: str) -> ValidationError | None:
        others = Supplier.objects.filter(credit_code=code)
        if self.supplier is not None:
            others = others.exclude(pk=self.supplier.pk)
        other = others.first()
        if other is None:
            return None
        return ValidationError(
            _("Credit code %(value)s is already registered for supplier “%(name)s”; "
              "edit that supplier instead"),
            code="duplicate", params={"value": code, "name": other.name},
        )

    def add_unique_errors(self) -> bool:
        code = self.cleaned_data.get("credit_code")
        error = self.duplicate_credit_code_error(code) if code else None
        if error is None:
            return False
        self.add_error("credit_code", error)
        return True

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))


def clean_phone(value: str) -> str:
    phone = (value or "").strip()
    if phone and not PHONE_PATTERN.match(phone):
        raise ValidationError(
            _("Phone “%(value)s” is not a phone number; enter digits, for example "
              "0576-88123456 or 13812345678"),
            code="invalid", params={"value": phone},
        )
    return phone


class DisposalForm(EditForm):
    region = ScopedChoiceField(label=label(AssetDisposal, "region"),
                               queryset=Region.objects.none())
    unit = ScopedChoiceField(label=label(AssetDisposal, "unit"), queryset=Unit.objects.none(),
                             required=False)
    asset_name = TextField(label=label(AssetDisposal, "asset_name"), max_length=300)
    method = forms.ChoiceField(label=label(AssetDisposal, "method"),
                               choices=DisposalMethod.choices)
    appraised_amount = AmountField(label=label(AssetDisposal, "appraised_amount"),
                                   required=False)
    price = AmountField(label=label(AssetDisposal, "price"))
    buyer_name = TextField(label=label(AssetDisposal, "buyer_name"), max_length=300)
    buyer_is_person = forms.BooleanField(label=label(AssetDisposal, "buyer_is_person"),
                                         required=False)
    buyer_credit_code = TextField(label=label(AssetDisposal, "buyer_credit_code"),
                                        max_length=40, required=False)
    decided_on = DayField(label=label(AssetDisposal, "decided_on"))
    disclosed_on = DayField(label=label(AssetDisposal, "disclosed_on"), required=False)
    disclosure_end = DayField(label=label(AssetDisposal, "disclosure_end"), required=False)
    is_public = forms.BooleanField(label=label(AssetDisposal, "is_public"), required=False,
                                   initial=True)

    def __init__(self, user: Any, *args: Any, disposal: AssetDisposal | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, versioned=disposal is not None, **kwargs)
        limit_choices(self, "region", regions_in_scope(user, Level.VILLAGE))
        limit_choices(self, "unit", units_in_scope(user))

    def clean_buyer_credit_code(self) -> str:
        return optional_credit_code(self.cleaned_data.get("buyer_credit_code", ""))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("buyer_is_person") and data.get("buyer_credit_code"):
            self.add_error("buyer_credit_code", ValidationError(
                _("A private person has no credit code; clear the code or untick "
                  "“buyer is a private person”"),
                code="person_with_code",
            ))
        start, end = data.get("disclosed_on"), data.get("disclosure_end")
        if end and not start and "disclosed_on" not in self.errors:
            self.add_error("disclosed_on", ValidationError(
                _("The objection period ends on %(end)s but has no disclosure date; enter the "
                  "date the disposal was disclosed"),
                code="end_without_start", params={"end": end},
            ))
        if start and end and end < start:
            self.add_error("disclosure_end", ValidationError(
                _("The objection period ends on %(end)s, before the disclosure date %(start)s; "
                  "correct one of the two dates"),
                code="end_before_start", params={"end": end, "start": start},
            ))
        return data


class PersonForm(forms.Form):
    name = TextField(label=label(Person, "name"), max_length=50)
    unit = ScopedChoiceField(label=label(Person, "unit"), queryset=Unit.objects.none())
    post = TextField(label=label(Person, "post"), max_length=100, required=False)
    phone = TextField(label=label(Person, "phone"), max_length=20, required=False)
    id_number = TextField(
        label=gettext_lazy("ID number"), max_length=30, required=False,
        help_text=gettext_lazy("18 characters; stored encrypted and shown masked."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "unit", units_in_scope(user))

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean_id_number(self) -> str:
        value = self.cleaned_data.get("id_number", "").strip()
        if not value:
            return ""
        number = normalize_id_number(value)
        if Person.objects.filter(id_number_hash=crypto.keyed_hash(number)).exists():
            raise ValidationError(
                _("ID number %(value)s is already registered for another person; search the "
                  "people list instead of adding the person twice"),
                code="duplicate", params={"value": value},
            )
        return number


class ProjectFilterForm(forms.Form):
    """Search and filters of the project list and its CSV export."""

    OVERDUE = "overdue"
    OVERPAID = "overpaid"

    q = TextField(label=gettext_lazy("Search"), required=False, max_length=100,
                        help_text=gettext_lazy("Project code, part of the name, or village."))
    county = forms.ModelChoiceField(label=gettext_lazy("County"), queryset=Region.objects.none(),
                                    required=False, to_field_name="code")
    township = forms.ModelChoiceField(label=gettext_lazy("Township"),
                                      queryset=Region.objects.none(), required=False,
                                      to_field_name="code")
    status = forms.ChoiceField(label=label(Project, "status"), required=False,
                               choices=[("", "—"), *ProjectStatus.choices])
    flag = forms.ChoiceField(label=gettext_lazy("Flag"), required=False, choices=[
        ("", "—"),
        (OVERDUE, pgettext_lazy("project flag", "overdue")),
        (OVERPAID, pgettext_lazy("project flag", "paid more than arrived")),
    ])

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = scoped(Region.objects.current(), user)
        limit_choices(self, "county", regions.filter(level=Level.COUNTY))
        townships = regions.filter(level=Level.TOWNSHIP)
        county_code = self.data.get("county") if self.is_bound else None
        if county_code:
            townships = townships.filter(parent_id=county_code)
        limit_choices(self, "township", townships)
        for name in ("county", "township"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "The region you chose is not in the list; choose one of the listed regions"
            )

    def apply(self, projects: ProjectQuerySet) -> ProjectQuerySet:
        data = self.cleaned_data
        projects = projects.search(data.get("q") or "")
        for name in ("township", "county"):
            if data.get(name):
                projects = projects.in_region(data[name])
                break
        if data.get("status"):
            projects = projects.filter(status=data["status"])
        if data.get("flag") == self.OVERDUE:
            projects = projects.overdue()
        elif data.get("flag") == self.OVERPAID:
            projects = projects.overspent()
        return projects
