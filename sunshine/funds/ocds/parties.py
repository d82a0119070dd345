"""Organisations of a release: resolving references to parties and keying suppliers.

OCDS 1.1 refers to organisations by ``{"id", "name"}`` and keeps their
details in ``parties``; OCDS 1.0 embeds the whole organisation wherever it
is used. Both resolve here to one ``Organisation`` per supplier key, so a
company that bids, wins and is paid becomes one ``Supplier`` row.

A payee given only by name is not a supplier, because a name alone does not
distinguish a company from a private person. The payment keeps the name as
text and counts as one to a private person, like a payee that staff enter
without a credit code, so it is never merged with a payee of the same name.
"""

from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sunshine.funds.models import Supplier
from sunshine.funds.ocds.values import Context, width
from sunshine.lib.identifiers import normalize_credit_code

# Parties in these roles are stored as suppliers; buyers and payers are not.
SUPPLIER_ROLES = {"tenderer", "supplier", "payee"}
PAYEE_ROLES = {"payee"}
# org-id.guide scheme of the Chinese unified social credit code (GB 32100).
CREDIT_CODE_SCHEMES = {"CN-USCC"}

OrgKey = tuple[str, ...]
# First part of the key of an organisation that has neither a credit code nor an identifier.
NAME_KEY = "name"


def max_length(name: str) -> int | None:
    return width(Supplier, name)


@dataclass
class Organisation:
    """A supplier as the data describes it, with the fields of ``Supplier`` it fills."""

    key: OrgKey
    name: str
    credit_code: str | None = None
    scheme: str = ""
    identifier: str = ""
    address: str = ""
    phone: str = ""
    country: str = ""

    def fill_from(self, other: "Organisation") -> None:
        """Take the other description's values for fields this one leaves empty."""
        for item in fields(self):
            if not getattr(self, item.name):
                setattr(self, item.name, getattr(other, item.name))

    def field_values(self) -> dict[str, Any]:
        return {item.name: getattr(self, item.name) for item in fields(self) if item.name != "key"}


def as_list(value: Any) -> list:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value]
    return []


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


class Organisations:
    """Resolves organisation references of one release and collects the suppliers found."""

    def __init__(self, release: dict, context: Context):
        self.context = context
        self.parties: dict[str, tuple[dict, str]] = {}
        for index, party in enumerate(as_list(release.get("parties"))):
            if isinstance(party, dict) and party.get("id") is not None:
                self.parties.setdefault(str(party["id"]), (party, f"parties[{index}]"))
        self.found: dict[OrgKey, Organisation] = {}

    def party(self, reference: Any) -> dict:
        if not isinstance(reference, dict) or reference.get("id") is None:
            return {}
        return self.parties.get(str(reference["id"]), ({}, ""))[0]

    def add_supplier_parties(self) -> None:
        for party, path in self.parties.values():
            roles = {str(role) for role in as_list(party.get("roles"))} & SUPPLIER_ROLES
            if roles:
                self.resolve(party, path, accept_name_only=roles != PAYEE_ROLES)

    def resolve(self, reference: Any, path: str, *, accept_name_only: bool = True) -> OrgKey | None:
        """Return the supplier key of an organisation reference, or None if it names no organisation.

        With ``accept_name_only`` false, an organisation known only by its name is
        left out too (a payee, see the module's note).
        """
        if not isinstance(reference, dict):
            return None
        party = self.party(reference)
        if party:
            path = self.parties[str(reference["id"])][1]
        organisation = self.describe(party or reference, path, fallback=reference)
        if organisation is None or (not accept_name_only and organisation.key[0] == NAME_KEY):
            return None
        known = self.found.get(organisation.key)
        if known is None:
            self.found[organisation.key] = organisation
        else:
            known.fill_from(organisation)
        return organisation.key

    def describe(self, data: dict, path: str, *, fallback: dict) -> Organisation | None:
        text = self.context.text
        identifier = as_dict(data.get("identifier")) or as_dict(fallback.get("identifier"))
        scheme = text(identifier.get("scheme"), max_length("scheme"))
        number = text(identifier.get("id"), max_length("identifier"))
        name = (text(data.get("name")) or text(identifier.get("legalName"))
                or text(fallback.get("name")))

        credit_code = None
        if scheme.upper() in CREDIT_CODE_SCHEMES and number:
            credit_code = self.credit_code(number, f"{path}.identifier.id")
            if credit_code is None:
                return None
            scheme = number = ""
        if not name:
            name = " ".join(part for part in (scheme, number, credit_code or "") if part)
        if not name:
            self.context.unmapped["organisation_without_name"] += 1
            return None

        address = as_dict(data.get("address"))
        if credit_code:
            key: OrgKey = ("credit", credit_code)
        elif number:
            key = ("id", scheme, number)
        else:
            key = (NAME_KEY, name[: max_length("name")])
        return Organisation(
            key=key,
            name=text(name, max_length("name")),
            credit_code=credit_code,
            scheme=scheme,
            identifier=number,
            address=text(join_address(address, text), max_length("address")),
            phone=text(as_dict(data.get("contactPoint")).get("telephone"), max_length("phone")),
            country=text(address.get("countryName"), max_length("country")),
        )

    def credit_code(self, value: str, path: str) -> str | None:
        try:
            return normalize_credit_code(value)
        except ValidationError as error:
            self.context.fail(path, _("%(error)s; correct the identifier of scheme CN-USCC")
                              % {"error": error.messages[0]})
            return None

    def name_of(self, reference: Any) -> str:
        """Return the display name of a reference: its own name, else its party's."""
        if not isinstance(reference, dict):
            return ""
        text = self.context.text
        identifier = as_dict(reference.get("identifier"))
        party = self.party(reference)
        return (text(reference.get("name")) or text(identifier.get("legalName"))
                or text(party.get("name"))
                or text(as_dict(party.get("identifier")).get("legalName")))


def join_address(address: dict, text) -> str:
    parts = (text(address.get(name)) for name in ("streetAddress", "locality", "region",
                                                    "postalCode"))
    return ", ".join(part for part in parts if part)
