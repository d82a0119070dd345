"""Regions, units, people and the roles that give users their scope."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sunshine.lib import crypto
from sunshine.lib.identifiers import mask_id_number, mask_phone


class Level(models.TextChoices):
    CITY = "city", _("city")
    COUNTY = "county", _("county")
    TOWNSHIP = "township", _("township")
    VILLAGE = "village", _("village")


class RegionQuerySet(models.QuerySet):
    def within(self, region: "Region") -> "RegionQuerySet":
        return self.filter(path__startswith=region.path)

    def current(self) -> "RegionQuerySet":
        return self.filter(effective_to__isnull=True)


class Region(models.Model):
    """An administrative division identified by its statistical code."""

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent"),
    )
    # Codes of the ancestors and this region joined by "/", so a subtree is
    # one indexed prefix match instead of a recursive query.
    path = models.CharField(max_length=80, db_index=True, editable=False)
    is_statutory = models.BooleanField(_("statutory division"), default=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    former_codes = models.JSONField(_("former codes"), default=list, blank=True)

    objects = RegionQuerySet.as_manager()

    scope_region = "self"

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else ""
        return f"{prefix}{self.code}/"

    def county(self) -> "Region | None":
        node: Region | None = self
        while node is not None and node.level not in (Level.COUNTY, Level.CITY):
            node = node.parent
        return node if node is not None and node.level == Level.COUNTY else None


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", _("government")
    DEPARTMENT = "department", _("department")
    VILLAGE_COMMITTEE = "village_committee", _("village committee")
    COMMISSION = "commission", _("discipline inspection commission")
    EVALUATOR = "evaluator", _("third-party evaluator")
    OTHER = "other", _("other")


class UnitQuerySet(models.QuerySet):
    def within(self, unit: "Unit") -> "UnitQuerySet":
        return self.filter(path__startswith=unit.path)


class Unit(models.Model):
    """A government body, department, village committee or commission."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="units", verbose_name=_("region"))
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent unit"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)

    objects = UnitQuerySet.as_manager()

    scope_region = "region"

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="unit_unique_name_in_region"),
        ]

    def __str__(self) -> str:
        return self.name

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else ""
        return f"{prefix}{self.pk}/"


class Person(models.Model):
    """A cadre. The ID number is encrypted at rest and shown masked."""

    name = models.CharField(_("name"), max_length=50)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="people", verbose_name=_("unit"))
    post = models.CharField(_("post"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Digits only: the gateway's receiverIds is a comma-separated list, so a
    # comma here would address several people. The gateway's Java SDK types
    # accountId as a long integer.
    zzd_account_id = models.CharField(
        _("Zhejiang government DingTalk account ID"), max_length=20, blank=True,
        validators=[RegexValidator(r"^[0-9]+\Z", _("Enter the account ID as digits only."))],
        help_text=_("The number work notices are sent to (accountId). The unit's Zhejiang "
                    "government DingTalk administrator can look it up."),
    )
    id_number_encrypted = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="person",
        verbose_name=_("user"),
    )

    scope_region = "unit__region"
    scope_unit = "unit"

    class Meta:
        ordering = ["unit_id", "name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""

    def set_id_number(self, number: str) -> None:
        """Store a validated ID number: ciphertext, keyed hash and mask."""
        self.id_number_encrypted = crypto.encrypt(number, context="person.id_number")
        self.id_number_hash = crypto.keyed_hash(number)
        self.id_number_masked = mask_id_number(number)

    def reveal_id_number(self) -> str:
        """Return the plain ID number; callers must audit the view."""
        if not self.id_number_encrypted:
            return ""
        return crypto.decrypt(self.id_number_encrypted, context="person.id_number")


def language_choices() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


def site_language() -> str:
    return settings.LANGUAGE_CODE


class UserPreference(models.Model):
    """A user's own choices; a user without a row has the defaults.

    ``language`` is the one the user last chose in the language switch while
    logged in. Every notification to the user is written in it.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, primary_key=True,
                                related_name="preference", verbose_name=_("user"))
    language = models.CharField(
        _("language"), max_length=10, choices=language_choices, default=site_language,
        help_text=_("The language of the user's notifications: inbox, DingTalk, Zhejiang "
                    "government DingTalk and e-mail."),
    )

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self) -> str:
        return f"{self.user} · {self.language}"


class Role(models.TextChoices):
    OPERATOR = "operator", _("operator")
    LEADER = "leader", _("unit leader")
    INSPECTOR = "inspector", _("discipline inspector")
    EVALUATOR = "evaluator", _("evaluator")
    SUPERVISOR = "supervisor", _("supervisor")
    ADMINISTRATOR = "administrator", _("administrator")


class Assignment(models.Model):
    """A role a user holds in a unit; the unit's region and subtree set the scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="assignments", verbose_name=_("unit"))

    scope_region = "unit__region"
    scope_unit = "unit"

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SM3 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    # A token is in scope where any of its user's assignments is, so the
    # join can repeat a row: filter with .distinct().
    scope_region = "user__assignments__unit__region"
    scope_unit = "user__assignments__unit"

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
