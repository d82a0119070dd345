"""Response shapes of the JSON API.

Amounts are decimal strings with two places ("1200.50") in the project's
``currency``. Rates are decimal strings with four places ("0.6250" means
62.5 %), or null when the divisor is zero. Strings keep both exact, which a
JSON number read as a binary float would not.
"""

import datetime
from decimal import Decimal

from ninja import Field, Schema

from sunshine.funds.figures import Figures, advice_for, figures_of, is_overdue
from sunshine.funds.models import Project, ProjectStatus
from sunshine.portal.disclosure import TimelineEntry, location_names

AMOUNT = "Decimal string with two places, for example \"1200.50\", in the project's currency."
RATE_FORMAT = "Decimal string with four places (\"0.6250\" is 62.5%)"


def amount_text(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def rate_text(rate: Decimal | None) -> str | None:
    return None if rate is None else f"{rate:.4f}"


def cached_figures(project: Project) -> Figures:
    """Compute a row's figures once per serialisation, however many fields read them."""
    if not hasattr(project, "_public_figures"):
        project._public_figures = figures_of(project)  # type: ignore[attr-defined]
    return project._public_figures  # type: ignore[attr-defined]


class OperationOut(Schema):
    method: str = Field(description="HTTP method, such as GET.")
    path: str = Field(description="Path with its parameters in braces, such as "
                                  "/api/v1/projects/{code}/.")
    summary: str = Field(description="What the operation returns or does, in English.")


class ApiIndex(Schema):
    """The operations of the API and where its documentation is."""

    title: str
    version: str
    docs: str = Field(description="Path of the interactive documentation.")
    openapi: str = Field(description="Path of the OpenAPI document.")
    operations: list[OperationOut]


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong and how to fix it, in the request language.")


class ProjectSummary(Schema):
    code: str
    name: str
    region_code: str = Field(description="Statistical code of the project's region, e.g. 331002001.")
    region_name: str
    currency: str = Field(description="ISO 4217 code of every amount of this project, e.g. CNY.")
    budget: str | None = Field(description=AMOUNT + " Null when no budget was recorded.")
    allocated: str = Field(description="Sum of the approved amounts (下达金额). " + AMOUNT)
    arrived: str = Field(description="Sum of the arrived amounts (到位金额). " + AMOUNT)
    paid: str = Field(description="Sum of the disbursements (支付金额). " + AMOUNT)
    remaining: str = Field(description="arrived − paid; negative when payments exceed arrivals. "
                                       + AMOUNT)
    arrival_rate: str | None = Field(
        description=f"arrived ÷ allocated. {RATE_FORMAT}; null when nothing was allocated.")
    spend_rate: str | None = Field(
        description=f"paid ÷ arrived. {RATE_FORMAT}; null when nothing has arrived.")
    progress: int = Field(description="Physical progress in percent, 0 to 100.")
    status: ProjectStatus = Field(description="Construction status code.")
    status_label: str = Field(description="The status in the request language.")

    @staticmethod
    def resolve_region_code(project: Project) -> str:
        return project.region_id

    @staticmethod
    def resolve_region_name(project: Project) -> str:
        return project.region.name

    @staticmethod
    def resolve_budget(project: Project) -> str | None:
        return amount_text(project.budget)

    @staticmethod
    def resolve_allocated(project: Project) -> str | None:
        return amount_text(cached_figures(project).allocated)

    @staticmethod
    def resolve_arrived(project: Project) -> str | None:
        return amount_text(cached_figures(project).arrived)

    @staticmethod
    def resolve_paid(project: Project) -> str | None:
        return amount_text(cached_figures(project).paid)

    @staticmethod
    def resolve_remaining(project: Project) -> str | None:
        return amount_text(cached_figures(project).remaining)

    @staticmethod
    def resolve_arrival_rate(project: Project) -> str | None:
        return rate_text(cached_figures(project).arrival_rate)

    @staticmethod
    def resolve_spend_rate(project: Project) -> str | None:
        return rate_text(cached_figures(project).spend_rate)

    @staticmethod
    def resolve_status_label(project: Project) -> str:
        return str(project.get_status_display())


class AdviceOut(Schema):
    code: str = Field(description="overspent, over_budget, over_contract, overdue, "
                                  "under_funded, slow_to_spend, no_allocation or on_track.")
    message: str = Field(description="Plain-language explanation in the request language.")
    warning: bool = Field(description="True for a problem, false for information.")


class ProjectDetail(ProjectSummary):
    location: list[str] = Field(description="Region names from the county down to the project's "
                                            "region.")
    planned_start: datetime.date | None
    planned_end: datetime.date | None = Field(description="Planned completion date.")
    overdue: bool = Field(description="Planned completion has passed and the project is not "
                                      "completed or cancelled.")
    is_public: bool = Field(description="Always true without a token.")
    advice: list[AdviceOut] = Field(description="Findings about the project, the most serious "
                                                "first; thresholds are versioned settings.")

    @staticmethod
    def resolve_location(project: Project) -> list[str]:
        return location_names(project.region)

    @staticmethod
    def resolve_overdue(project: Project) -> bool:
        return is_overdue(project)

    @staticmethod
    def resolve_advice(project: Project) -> list[dict]:
        return [
            {"code": item.code.value, "message": item.message, "warning": item.warning}
            for item in advice_for(project, cached_figures(project))
        ]


class TimelineEntryOut(Schema):
    kind: str = Field(description="allocated, arrived (money in) or paid (money out).")
    kind_label: str
    date: datetime.date | None = Field(description="Null when the ledger has no date.")
    amount: str = Field(description="Decimal string with two places, in ``currency``.")
    currency: str
    party: str = Field(description="Fund source for money in, payee for money out; a private "
                                   "person's name is replaced by a fixed label.")
    payee_hidden: bool = Field(description="True when the payee is a private person.")
    note: str = Field(description="Document number of an allocation or purpose of a payment.")

    @staticmethod
    def resolve_amount(entry: TimelineEntry) -> str:
        return f"{entry.amount:.2f}"

    @staticmethod
    def resolve_party(entry: TimelineEntry) -> str:
        return entry.party_label


class TimelineOut(Schema):
    items: list[TimelineEntryOut]
    page: int
    page_size: int
    next_page: int | None = Field(description="Number of the next, older page; null on the last.")
