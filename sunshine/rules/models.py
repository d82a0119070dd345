from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sunshine.audit.models import AuditedModel

# Versions of one key and county, the one in force first: the latest date,
# and on one date the version entered last, so a same-day correction wins.
NEWEST_FIRST = ("-effective_from", "-id")


class Setting(AuditedModel):
    """A threshold, deadline or weight in force from a date, for one county or all.

    Rows are append-only, in the audit chain and in the database (a trigger
    rejects UPDATE and DELETE): a wrong value is corrected by a newer version.
    """

    key = models.CharField(_("key"), max_length=80, db_index=True)
    county = models.ForeignKey(
        "organisation.Region", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("county"), help_text=_("Empty means every county without its own value."),
    )
    value = models.JSONField(_("value"))
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("legal or policy source"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Rows without a county apply to every county; scoping alone hides them.
    scope_region = "county"

    class Meta:
        ordering = ["key", "county_id", *NEWEST_FIRST]
        verbose_name = _("versioned setting")
        verbose_name_plural = _("versioned settings")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "county", "effective_from"], name="setting_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({self.effective_from})"
