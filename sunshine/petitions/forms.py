"""Forms of the public report and tracking pages and of the staff petition pages.

The report form also validates the JSON body of ``POST /api/v1/reports/``,
so the web page and the API reject the same input with the same messages.
"""

import datetime
import re
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sunshine.funds.models import Project
from sunshine.lib.coordinates import CoordinateField
from sunshine.lib.form_fields import CodeChoiceField, DayField, WholeNumberField
from sunshine.lib.phones import phone_digits
from sunshine.lib.text_input import TextField
from sunshine.organisation.models import Level, Person, Region, Unit, UnitKind
from sunshine.organisation.scoping import scope_for
from sunshine.petitions import person_names, visibility
from sunshine.petitions.actions.evidence import check_files
from sunshine.petitions.models import (
    Category,
    Channel,
    Kind,
    Outcome,
    State,
)
from sunshine.rules.values import get_setting

MAX_TEXT_LENGTH = 5000
PERSON_NAMES_LENGTH = 100
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
# Area code of 3 or 4 digits with its leading 0, then a 7 or 8 digit number.
LANDLINE = re.compile(r"^0[0-9]{2,3}[0-9]{7,8}$")
RECEIVED_ON_MAX_AGE = "petitions.received_on_max_age_days"
STAFF_CHANNELS = [
    (value, label) for value, label in Channel.choices if value not in (Channel.WEB, Channel.MOBILE)
]


def normalize_cn_phone(value: str) -> str:
    """Return a Chinese mobile or landline number as digits; raise ValidationError naming it.

    Accepts separators, brackets and a leading +86. A landline needs its
    area code, because the same local number exists in every county. This
    check runs instead of ``actions.normalize_phone``, whose looser rule of
    7 to 15 digits would give a second, contradicting message.
    """
    digits = phone_digits(value)
    if MOBILE.match(digits) or LANDLINE.match(digits):
        return digits
    raise ValidationError(
        _("Phone number “%(value)s” is invalid; enter an 11-digit mobile number such as "
          "13812345678, or a landline with its area code such as 0576-88123456.")
        % {"value": value},
        code="invalid_phone",
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files and returns them as a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": "image/jpeg,image/png,application/pdf"}))
        # The evidence check rejects an empty file by name; Django's message does not
        # say which of several files is empty.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class PathSelect(forms.Select):
    """A select whose options carry the region path, for the script that narrows the unit list."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if isinstance(instance, Region):
            option["attrs"]["data-path"] = instance.path
        elif isinstance(instance, Unit):
            option["attrs"]["data-path"] = instance.region.path
        return option


class RegionChoiceField(forms.ModelChoiceField):
    widget = PathSelect

    def label_from_instance(self, obj: Region) -> str:
        if obj.level == Level.COUNTY:
            return obj.name
        county = obj.county()
        return f"{county.name} · {obj.name}" if county else obj.name


class UnitChoiceField(forms.ModelChoiceField):
    widget = PathSelect

    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.region.name})"


UNKNOWN_CATEGORY = {"invalid_choice": gettext_lazy(
    "Category “%(value)s” does not exist or is not offered; choose one from the list.")}
UNKNOWN_REGION = {"invalid_choice": gettext_lazy(
    "Region “%(value)s” does not exist or is not offered here; choose one from the list.")}
UNKNOWN_UNIT = {"invalid_choice": gettext_lazy(
    "Unit “%(value)s” does not exist or is not offered here; choose one from the list.")}


def model_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


def intake_regions() -> Any:
    """Return the counties and townships a report can be filed for, county by county."""
    return (Region.objects.current().filter(level__in=[Level.COUNTY, Level.TOWNSHIP])
            .select_related("parent").order_by("path"))


def codes_up(region: Region) -> list[str]:
    """Return the codes of ``region`` and of the regions above it, from its path."""
    return [code for code in region.path.split("/") if code]


def related_to_region(unit: Unit, region: Region) -> bool:
    """Return whether the unit works in the region, above it or inside it."""
    unit_path = unit.region.path
    return region.path.startswith(unit_path) or unit_path.startswith(region.path)


class TargetsForm(forms.Form):
    """The unit, official and project a petition concerns, which hide a report from them."""

    target_unit = UnitChoiceField(
        label=gettext_lazy("Unit concerned (optional)"), required=False,
        queryset=Unit.objects.select_related("region").order_by("region__path", "name"),
        empty_label=gettext_lazy("— none —"), error_messages=UNKNOWN_UNIT,
    )
    person_name = TextField(
        label=gettext_lazy("Persons concerned (optional)"), required=False,
        max_length=PERSON_NAMES_LENGTH,
        help_text=gettext_lazy("The names of the officials you report, if any, separated by "
                               "“、” or commas; choose their unit above as well."),
    )
    project_code = TextField(
        label=gettext_lazy("Project code (optional)"), required=False, max_length=64,
        help_text=gettext_lazy("The code shown on the project's page in the fund query."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.target_persons: list[Person] = []
        # Whether a typed name is not exactly the name of the official found for it, so that
        # the text keeps what the reporter typed (王磊德王海 may name a second official elsewhere).
        self.names_in_text = False
        self.target_project: Project | None = None

    def _clean_targets(self, data: dict[str, Any]) -> None:
        self._clean_kind(data)
        region, unit = data.get("region"), data.get("target_unit")
        if region is not None and unit is not None and not related_to_region(unit, region):
            self.add_error("target_unit", _(
                "“%(unit)s” does not work in %(region)s; choose a unit of that region or leave "
                "the unit empty.") % {"unit": unit.name, "region": region.name})
        self.target_persons = []
        self.names_in_text = False
        for name in person_names.split(data.get("person_name", "")):
            found = self._find_persons(name, unit, region)
            typed = person_names.Typed.of(name)
            self.names_in_text |= len(found) != 1 or not typed.is_exactly(
                found[0].name, person_names.fold(found[0].name))
            self.target_persons.extend(p for p in found if p not in self.target_persons)
        self.target_project = self._find_project(data.get("project_code", "").strip())

    def _clean_kind(self, data: dict[str, Any]) -> None:
        """Reject another kind in a category of reports (检举控告).

        Such a category routes to a discipline inspection commission, and only
        the kind hides a petition from the unit or person it accuses
        (``visibility``), so a suggestion about misconduct would reach them.
        """
        category, kind = data.get("category"), data.get("kind")
        if category is None or not kind:
            return
        if category.default_kind == Kind.ACCUSATION and kind != Kind.ACCUSATION:
            self.add_error("kind", _(
                "The category “%(category)s” takes only the kind “%(kind)s”; choose that kind, "
                "or another category.") % {"category": category.display_name, "kind": Kind.ACCUSATION.label})

    def _find_persons(self, name: str, unit: Unit | None, region: Region | None) -> list[Person]:
        """Return the officials one typed name means, in the unit's subtree or the region.

        The officials of the chosen unit's subtree are searched first. Then
        come those of the region, of the regions above it and of those inside
        it, because a reporter may choose the wrong unit, and the person named
        must still not see the report. A name the typed text is (``person_names``: spaces,
        separators, traditional characters and pinyin aside) wins over a name
        it contains, as in 王海书记 or 王海（纪委）. The name stays in the
        report's text either way; a match also hides a report from the
        person it accuses. A name that is exactly the name of several officials
        gets an error asking for the unit, because the report is about one of
        them. Text containing several names (王海李四) means all of them.
        """
        typed = person_names.Typed.of(name)
        if not typed.folded:
            return []
        places = []
        if unit is not None:
            places.append((Person.objects.filter(unit__path__startswith=unit.path), unit.name))
        if region is not None:
            places.append((Person.objects.filter(
                Q(unit__region__path__startswith=region.path)
                | Q(unit__region__in=codes_up(region))), region.name))
        contained: dict[int, str] = {}
        for people, place in places:
            exact, inside = person_names.matches(typed, people.values_list("pk", "name"))
            if len(set(exact)) == 1:
                return [Person.objects.select_related("unit").get(pk=exact[0])]
            if exact:
                self._person_error(_(
                    "More than one official named “%(name)s” works in %(place)s; choose the "
                    "unit of the one you report.") % {"name": name, "place": place})
                return []
            for pk in inside:
                contained.setdefault(pk, place)
        found = Person.objects.select_related("unit").in_bulk(list(contained))
        return [found[pk] for pk in contained]

    def _person_error(self, message: str) -> None:
        """Reject the person field of a report (检举控告); other kinds leave the target empty."""
        if self.cleaned_data.get("kind") == Kind.ACCUSATION:
            self.add_error("person_name", message)

    def _find_project(self, code: str) -> Project | None:
        if not code:
            return None
        project = Project.public_objects.filter(code=code).first()
        if project is None:
            self.add_error("project_code", _(
                "No public project has the code “%(code)s”; copy it from the project's page or "
                "leave it empty.") % {"code": code})
        return project

    def target_arguments(self, text: str) -> dict[str, Any]:
        """Return the text and the targets for ``actions.register``.

        The typed names go into the text unless each one is exactly the name
        of the official found for it.
        """
        person_name = self.cleaned_data.get("person_name", "").strip()
        if person_name and self.names_in_text:
            text = _("Person concerned: %(name)s") % {"name": person_name} + "\n\n" + text
        first = self.target_persons[0] if self.target_persons else None
        return {"text": text, "target_unit": self.cleaned_data.get("target_unit"),
                "target_person": first, "further_persons": self.target_persons[1:],
                "target_project": self.target_project}


class ReportForm(TargetsForm):
    """A report or petition from a citizen: what, where, about whom, and who sends it."""

    field_order = ["kind", "category", "region", "target_unit", "person_name", "project_code",
                   "title", "text", "location_text", "latitude", "longitude", "identity",
                   "reporter_name", "reporter_phone"]

    kind = forms.ChoiceField(label=gettext_lazy("Kind of matter"), choices=Kind.choices,
                             widget=forms.RadioSelect)
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"), queryset=Category.public_objects.all(),
        to_field_name="code", empty_label=gettext_lazy("— choose —"),
        error_messages=UNKNOWN_CATEGORY,
    )
    region = RegionChoiceField(
        label=gettext_lazy("Where is it? County and township"), queryset=intake_regions(),
        to_field_name="code", empty_label=gettext_lazy("— choose —"),
        error_messages=UNKNOWN_REGION,
    )
    title = TextField(label=gettext_lazy("Subject (optional)"), required=False, max_length=200)
    text = TextField(
        label=gettext_lazy("What happened? What do you ask for?"), max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": gettext_lazy(
            "The description is empty; write what happened, where and when.")},
    )
    location_text = TextField(label=gettext_lazy("Place (optional)"), required=False,
                              max_length=300)
    # Rounded to 6 places like Open311's, so more digits are never an error.
    # Filled in by "Add my current location"; the labels name them in the error summary.
    latitude = CoordinateField(label=gettext_lazy("Latitude of your location"), required=False,
                               min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = CoordinateField(label=gettext_lazy("Longitude of your location"), required=False,
                                min_value=-180, max_value=180, widget=forms.HiddenInput)
    identity = forms.ChoiceField(
        label=gettext_lazy("Send it"), widget=forms.RadioSelect, initial="anonymous",
        choices=[("anonymous", gettext_lazy("anonymously")),
                 ("named", gettext_lazy("with my name and phone"))],
    )
    reporter_name = TextField(label=gettext_lazy("Your name"), required=False, max_length=50)
    reporter_phone = TextField(
        label=gettext_lazy("Your phone"), required=False, max_length=30,
        help_text=gettext_lazy("A mobile number, or a landline with its area code."),
    )

    def clean_reporter_phone(self) -> str:
        value = self.cleaned_data.get("reporter_phone", "").strip()
        return normalize_cn_phone(value) if value else ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self._clean_identity(data)
        self._clean_targets(data)
        return data

    def _clean_identity(self, data: dict[str, Any]) -> None:
        if data.get("identity") != "named":
            # Anything typed before switching to anonymous is dropped, never stored.
            data["reporter_name"] = data["reporter_phone"] = ""
            return
        if not data.get("reporter_name", "").strip() and "reporter_name" not in self.errors:
            self.add_error("reporter_name", _("Your name is missing; enter it, or send the "
                                              "report anonymously."))
        if not data.get("reporter_phone") and "reporter_phone" not in self.errors:
            self.add_error("reporter_phone", _("Your phone number is missing; enter it, or "
                                               "send the report anonymously."))

    def note_files_not_kept(self, *, failed: bool = False) -> None:
        """Ask for the evidence files again when the form comes back unsent.

        A browser never fills a file input in again, so files sent with a form
        that failed elsewhere, or was ``failed`` by the view, are gone from
        the page without this error on the field and in the summary.
        """
        sent = len(self.files.getlist("evidence")) if self.files else 0
        if sent and (failed or self.errors) and "evidence" not in self.errors:
            self.add_error("evidence", ngettext(
                "The file you attached was not kept because the form was not sent; choose it "
                "again.",
                "The %(count)s files you attached were not kept because the form was not sent; "
                "choose them again.", sent) % {"count": sent})

    def register_arguments(self) -> dict[str, Any]:
        """Return the keyword arguments of ``actions.register`` for the cleaned form."""
        data = self.cleaned_data
        return {
            "kind": data["kind"], "category": data["category"], "region": data["region"],
            "title": data.get("title", ""), **self.target_arguments(data["text"]),
            "location_text": data.get("location_text", ""),
            "latitude": data.get("latitude"), "longitude": data.get("longitude"),
            "is_anonymous": data["identity"] != "named",
            "reporter_name": data.get("reporter_name", "").strip(),
            "reporter_phone": data.get("reporter_phone", ""),
        }


class PublicReportForm(ReportForm):
    """The report form of the portal: evidence files, the privacy notice and a submission id."""

    evidence = MultipleFileField(
        label=gettext_lazy("Photos or documents (optional)"), required=False,
        help_text=gettext_lazy("JPEG, PNG or PDF. The location, author and device details "
                               "stored inside photos and PDFs are removed before the files are "
                               "kept; what a picture or page shows stays as it is."),
    )
    consent = forms.BooleanField(
        label=gettext_lazy("I have read the notice on personal information above."),
        error_messages={"required": gettext_lazy(
            "Tick the box to confirm that you have read the notice on personal information.")},
    )
    submission = forms.UUIDField(
        widget=forms.HiddenInput, required=False,
        error_messages={"invalid": gettext_lazy(
            "The form's hidden submission number is damaged, so the report cannot be sent "
            "from this copy of the form. Copy your text, reload the page and send the report "
            "again.")},
    )

    field_order = ["kind", "category", "region", "target_unit", "person_name", "project_code",
                   "title", "text", "location_text", "evidence", "identity", "reporter_name",
                   "reporter_phone", "consent"]

    def clean_evidence(self) -> list:
        files = self.cleaned_data.get("evidence") or []
        check_files(files)
        return files


class StaffIntakeForm(ReportForm):
    """A petition entered by staff from a visit, a call, a letter or a supervision day."""

    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=STAFF_CHANNELS)
    received_on = DayField(label=gettext_lazy("Received on"))
    assign_to = UnitChoiceField(
        label=gettext_lazy("Assign to (optional)"), required=False,
        queryset=Unit.objects.none(), empty_label=gettext_lazy("— route by category —"),
        error_messages=UNKNOWN_UNIT,
    )
    evidence = MultipleFileField(label=gettext_lazy("Evidence files (optional)"), required=False,
                                 help_text=gettext_lazy("JPEG, PNG or PDF."))

    field_order = ["channel", "received_on", "kind", "category", "region", "target_unit",
                   "person_name", "project_code", "title", "text", "location_text", "evidence",
                   "identity", "reporter_name", "reporter_phone", "assign_to"]

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        model_field(self, "category").queryset = Category.objects.active()
        self.fields["received_on"].initial = timezone.localdate()
        cast(forms.ChoiceField, self.fields["identity"]).choices = [
            ("anonymous", _("anonymous")), ("named", _("named: name and phone given"))]
        regions = scope_for(user)
        model_field(self, "region").queryset = regions.filter(
            Region.objects.current().filter(level__in=[Level.COUNTY, Level.TOWNSHIP,
                                                       Level.VILLAGE])
        ).select_related("parent").order_by("path")
        model_field(self, "assign_to").queryset = regions.filter(
            Unit.objects.select_related("region")).order_by("region__path", "name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            visibility.check_clerk_not_accused(
                self.user, data.get("kind", ""), target_unit=data.get("target_unit"),
                further_persons=self.target_persons, target_project=self.target_project)
        except ValidationError as error:
            self.add_error(None, error)
        unit = data.get("assign_to")
        if (data.get("kind") == Kind.ACCUSATION and unit is not None
                and unit.kind != UnitKind.COMMISSION):
            self.add_error("assign_to", _(
                "A report (accusation) is handled by a discipline inspection commission, not "
                "by “%(unit)s”; choose a commission or leave the field empty to route it.")
                % {"unit": unit.name})
        return data

    def clean_received_on(self) -> Any:
        value = self.cleaned_data["received_on"]
        today = timezone.localdate()
        if value > today:
            raise ValidationError(_("The date received, %(date)s, is in the future; enter the "
                                    "day the petition arrived.") % {"date": value.isoformat()})
        max_age = get_setting(RECEIVED_ON_MAX_AGE)
        earliest = today - datetime.timedelta(days=max_age)
        if value < earliest:
            raise ValidationError(
                _("The date received, %(date)s, is more than %(days)s days ago; enter the day "
                  "the petition arrived, %(earliest)s or later.")
                % {"date": value.isoformat(), "days": max_age, "earliest": earliest.isoformat()},
                code="received_too_early",
            )
        return value

    def clean_evidence(self) -> list:
        files = self.cleaned_data.get("evidence") or []
        check_files(files)
        return files

    def register_arguments(self) -> dict[str, Any]:
        arguments = super().register_arguments()
        arguments["received_on"] = self.cleaned_data["received_on"]
        return arguments


class TrackingForm(forms.Form):
    code = TextField(label=gettext_lazy("Tracking code"), max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "off",
                                                         "autocapitalize": "characters"}))
    secret = TextField(label=gettext_lazy("Secret"), max_length=40,
                             widget=forms.TextInput(attrs={"autocomplete": "off",
                                                           "autocapitalize": "characters"}))


class RatingForm(TrackingForm):
    reply = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with the answer?"), coerce=int,
        widget=forms.RadioSelect,
        choices=[(5, gettext_lazy("5 – very satisfied")), (4, gettext_lazy("4 – satisfied")),
                 (3, gettext_lazy("3 – partly satisfied")), (2, gettext_lazy("2 – dissatisfied")),
                 (1, gettext_lazy("1 – very dissatisfied"))],
        error_messages={
            "required": gettext_lazy("Choose a score from 1 to 5."),
            "invalid_choice": gettext_lazy("Score “%(value)s” is invalid; choose a score from "
                                           "1 to 5."),
        },
    )
    comment = TextField(label=gettext_lazy("Comment (optional)"), required=False,
                              max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class ReviewRequestForm(TrackingForm):
    reason = TextField(
        label=gettext_lazy("Why do you ask for a review?"), max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Write why you disagree with the answer.")},
    )


# Staff workflow forms, one per action.

class FilterForm(forms.Form):
    q = TextField(label=gettext_lazy("Tracking code"), required=False, max_length=40)
    state = CodeChoiceField(label=gettext_lazy("State"), required=False,
                            choices=[("", gettext_lazy("all"))] + State.choices)
    kind = CodeChoiceField(label=gettext_lazy("Kind"), required=False,
                           choices=[("", gettext_lazy("all"))] + Kind.choices)
    due = CodeChoiceField(
        label=gettext_lazy("Deadline"), required=False,
        choices=[("", gettext_lazy("all")), ("overdue", gettext_lazy("overdue")),
                 ("due_soon", gettext_lazy("due soon"))],
    )
    region = RegionChoiceField(label=gettext_lazy("Region"), required=False,
                               queryset=Region.objects.none(), to_field_name="code",
                               empty_label=gettext_lazy("all"), error_messages=UNKNOWN_REGION)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "region").queryset = scope_for(user).filter(intake_regions())


def unit_choices_for(petition: Any) -> Any:
    """Return the units a petition can go to: units of its county and of the regions above."""
    county = petition.region.county() or petition.region
    return (Unit.objects.filter(Q(region__path__startswith=county.path)
                                | Q(region__in=codes_up(petition.region)))
            .select_related("region").order_by("region__path", "name"))


# The tracking page shows the reporter the text of public steps, such as assignment and closing.
PUBLIC_NOTE_HELP = gettext_lazy("The reporter sees this note on the tracking page, under the "
                                "steps so far.")


def public_note_field() -> forms.CharField:
    """Return the optional note of a public step, labelled as shown to the reporter."""
    return TextField(label=gettext_lazy("Note (optional, shown to the reporter)"),
                           required=False, help_text=PUBLIC_NOTE_HELP,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    unit = UnitChoiceField(label=gettext_lazy("Unit"), required=False, queryset=Unit.objects.none(),
                           empty_label=gettext_lazy("— route by category —"),
                           error_messages=UNKNOWN_UNIT)
    reason = public_note_field()

    def __init__(self, petition: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "unit").queryset = unit_choices_for(petition)


class TransferForm(AssignForm):
    reason = TextField(label=gettext_lazy("Reason (shown to the reporter)"),
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, petition: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(petition, *args, **kwargs)
        unit = model_field(self, "unit")
        unit.required = True
        unit.empty_label = gettext_lazy("— choose —")


def staff_name(user: Any) -> str:
    """Return a staff member's name as Chinese writes it: the person record's, else the login."""
    person = getattr(user, "person", None)
    return person.name if person is not None else user.get_username()


class HandlerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return staff_name(obj)


class HandlerForm(forms.Form):
    """The staff member of the handling unit who handles the petition."""

    handler = HandlerChoiceField(label=gettext_lazy("Handler"), queryset=None,
                                 empty_label=gettext_lazy("— choose —"))

    def __init__(self, petition: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = petition.assigned_unit
        users = get_user_model().objects.none()
        if unit is not None:
            users = get_user_model().objects.filter(
                is_active=True, assignments__unit__path__startswith=unit.path,
                assignments__role__in=visibility.HANDLING_ROLES,
            ).select_related("person").distinct().order_by("person__name", "username")
        model_field(self, "handler").queryset = users


class ReasonForm(forms.Form):
    reason = TextField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class PublicReasonForm(forms.Form):
    """The reason of a step that ends the petition, shown to the reporter."""

    reason = TextField(label=gettext_lazy("Reason (shown to the reporter)"),
                             help_text=PUBLIC_NOTE_HELP, widget=forms.Textarea(attrs={"rows": 2}))


class OptionalReasonForm(forms.Form):
    reason = TextField(label=gettext_lazy("Note (optional)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    reason = public_note_field()


class AcceptForm(forms.Form):
    notice = TextField(label=gettext_lazy("Notice to the reporter"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    notify = forms.BooleanField(label=gettext_lazy("The reporter is told now"), required=False,
                                initial=True)


class NoticeForm(forms.Form):
    text = TextField(label=gettext_lazy("Notice to the reporter"),
                           widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionForm(forms.Form):
    # No range here: the action checks the days against the county's legal limit
    # (petitions.extension_max_days), so every value out of range gets that one message.
    days = WholeNumberField(label=gettext_lazy("Days"), widget=forms.NumberInput(attrs={"min": 1}))
    reason = TextField(label=gettext_lazy("Reason (shown to the reporter)"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", gettext_lazy("approve")),
                                          ("reject", gettext_lazy("reject"))])
    note = TextField(label=gettext_lazy("Note (required when rejecting)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReplyForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), required=False,
                                choices=[("", gettext_lazy("— none —"))] + Outcome.choices)
    text = TextField(label=gettext_lazy("Reply text"), max_length=MAX_TEXT_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 8}))
    delivered_on = DayField(label=gettext_lazy("Delivered on"), required=False)


class ReviewDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=Outcome.choices)
    text = TextField(label=gettext_lazy("Opinion text"), max_length=MAX_TEXT_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 6}))

