"""The public duty list: published duty items by county, township and unit. No login."""

from django import forms
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from sunshine.duties import formats
from sunshine.duties.models import Duty, DutyFunding, DutyStep
from sunshine.duties.models.directives import DutyQuerySet
from sunshine.organisation.models import Level, Region, Unit
from sunshine.portal import cache as public_cache

PAGE_MAX_AGE = 60
MAX_RESULTS = 200


class PublicFilter(forms.Form):
    county = forms.ModelChoiceField(label=gettext_lazy("county"), required=False,
                                    queryset=Region.objects.filter(level=Level.COUNTY),
                                    to_field_name="code", empty_label=gettext_lazy("all"))
    township = forms.ModelChoiceField(label=gettext_lazy("township"), required=False,
                                      queryset=Region.objects.none(), to_field_name="code",
                                      empty_label=gettext_lazy("all"))
    unit = forms.ModelChoiceField(label=gettext_lazy("unit"), required=False,
                                  queryset=Unit.objects.none(), empty_label=gettext_lazy("all"))
    q = forms.CharField(label=gettext_lazy("duty name"), max_length=100, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        townships = Region.objects.filter(level=Level.TOWNSHIP).order_by("code")
        county = self.data.get("county") if self.is_bound else None
        if county:
            townships = townships.filter(parent_id=county)
        self.fields["township"].queryset = townships  # type: ignore[attr-defined]
        published = Duty.public_objects.values("unit")
        self.fields["unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            pk__in=published).order_by("region_id", "name")

    def apply(self, duties: DutyQuerySet) -> DutyQuerySet:
        data = self.cleaned_data
        region = data.get("township") or data.get("county")
        if region is not None:
            duties = duties.in_region(region)
        if data.get("unit"):
            duties = duties.filter(unit=data["unit"])
        if data.get("q"):
            duties = duties.filter(name__icontains=data["q"])
        return duties


@require_safe
@public_cache.public
@cache_control(private=True, max_age=PAGE_MAX_AGE)
@vary_on_headers("Cookie", "Accept-Language")
def public_duties(request: HttpRequest) -> HttpResponse:
    form = PublicFilter(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "duties/public_list.html", {"form": form}, status=400)
    duties = (Duty.public_objects.select_related("unit__region")
              .prefetch_related(Prefetch("funding", DutyFunding.objects.all()),
                                Prefetch("steps", DutyStep.objects.all()))
              .order_by("unit__region_id", "unit__name", "code"))
    if form.is_bound:
        duties = form.apply(duties)
    found = list(duties[:MAX_RESULTS + 1])
    groups = group_by_unit(found[:MAX_RESULTS])
    context = {"form": form, "groups": groups, "count": min(len(found), MAX_RESULTS),
               "truncated": len(found) > MAX_RESULTS, "limit": MAX_RESULTS,
               "title": _("Duty lists")}
    return render(request, "duties/public_list.html", context)


def group_by_unit(duties: list[Duty]) -> list[tuple[Unit, list[tuple[Duty, str]]]]:
    """Return (unit, [(duty, funding text)]) in list order."""
    groups: list[tuple[Unit, list[tuple[Duty, str]]]] = []
    for duty in duties:
        funding = formats.display_funding([(f.source, f.share) for f in duty.funding.all()])
        if not groups or groups[-1][0].pk != duty.unit_id:
            groups.append((duty.unit, []))
        groups[-1][1].append((duty, funding))
    return groups
