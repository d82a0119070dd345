"""The ledger workbook format: sheet names, headers and the labels cells use.

Sheet names, headers and labels are part of the file format that county
staff fill in, so they stay Chinese whatever language the site shows.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from sunshine.funds.models import FundSource, ProjectStatus

PROJECTS = "项目"
ALLOCATIONS = "资金到位"
DISBURSEMENTS = "资金支付"
NOTES = "说明"

YUAN = "元"
WAN_YUAN = "万元"


class Kind:
    """Cell type of a column, which selects the function that reads its cells."""

    TEXT = "text"
    AMOUNT = "amount"
    DATE = "date"
    PROGRESS = "progress"
    STATUS = "status"
    FUND_SOURCE = "fund_source"
    YES_NO = "yes_no"
    CREDIT_CODE = "credit_code"


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    ``key`` names the parsed value. For an amount column ``header`` is the
    name without its unit, because the workbook's header is 预算金额(元) or
    预算金额(万元).
    """

    key: str
    header: str
    kind: str = Kind.TEXT
    required: bool = False
    max_length: int | None = None
    help: Any = ""

    @property
    def template_header(self) -> str:
        return f"{self.header}({YUAN})" if self.kind == Kind.AMOUNT else self.header


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


DATE_HELP = _("A date cell, or text such as 2024-03-05, 2024/3/5 or 2024年3月5日.")
AMOUNT_HELP = _("Yuan with at most two decimal places. To enter 万元, write the header as "
                "%(header)s(万元).")

PROJECT_SHEET = SheetSpec(PROJECTS, (
    Column("code", "项目编号", required=True, max_length=100,
           help=_("The project's unique code; one row per project.")),
    Column("name", "项目名称", required=True, max_length=300),
    Column("category", "项目类别", max_length=50,
           help=_("Free text, for example 交通 or 农田水利.")),
    Column("region", "区划代码", required=True, max_length=12,
           help=_("Statistical code of the county, township or village, for example "
                  "331002001 for 海门街道.")),
    Column("owner_unit", "主管单位", max_length=200,
           help=_("The unit's full name as the system lists it; it is looked up among the "
                  "units of the region's county.")),
    Column("responsible_name", "责任人", max_length=50,
           help=_("The responsible person's name. It is never shown on public pages.")),
    Column("budget", "预算金额", Kind.AMOUNT, help=AMOUNT_HELP),
    Column("planned_start", "计划开工日期", Kind.DATE, help=DATE_HELP),
    Column("planned_end", "计划完工日期", Kind.DATE, help=DATE_HELP),
    Column("progress", "形象进度(%)", Kind.PROGRESS,
           help=_("A whole number from 0 to 100; empty means 0.")),
    Column("status", "状态", Kind.STATUS, required=True),
    Column("is_public", "是否公开", Kind.YES_NO, required=True,
           help=_("是 shows the project and its money on the public portal; 否 keeps it on the "
                  "staff site.")),
))

ALLOCATION_SHEET = SheetSpec(ALLOCATIONS, (
    Column("project", "项目编号", required=True, max_length=100,
           help=_("The code of a project in the 项目 sheet or already in the system.")),
    Column("source", "资金来源", Kind.FUND_SOURCE, required=True),
    Column("approved_amount", "下达金额", Kind.AMOUNT, required=True, help=AMOUNT_HELP),
    Column("approved_on", "下达日期", Kind.DATE, help=DATE_HELP),
    Column("arrived_amount", "到位金额", Kind.AMOUNT,
           help=_("Yuan that have arrived; empty means nothing has arrived yet.")),
    Column("arrived_on", "到位日期", Kind.DATE, help=DATE_HELP),
))

DISBURSEMENT_SHEET = SheetSpec(DISBURSEMENTS, (
    Column("project", "项目编号", required=True, max_length=100,
           help=_("The code of a project in the 项目 sheet or already in the system.")),
    Column("paid_on", "支付日期", Kind.DATE, required=True, help=DATE_HELP),
    Column("amount", "支付金额", Kind.AMOUNT, required=True, help=AMOUNT_HELP),
    Column("payee_name", "收款单位", required=True, max_length=300),
    Column("payee_credit_code", "统一社会信用代码", Kind.CREDIT_CODE,
           help=_("18 characters (GB 32100). Leave it empty when the payee is a private "
                  "person; public pages then mask the payee's name.")),
    Column("voucher_no", "凭证号", max_length=100),
    Column("purpose", "用途", max_length=300),
))

SHEETS = (PROJECT_SHEET, ALLOCATION_SHEET, DISBURSEMENT_SHEET)

STATUS_LABELS = {
    "未开工": ProjectStatus.PLANNED,
    "在建": ProjectStatus.IN_PROGRESS,
    "已完工": ProjectStatus.COMPLETED,
    "停工": ProjectStatus.SUSPENDED,
    "已取消": ProjectStatus.CANCELLED,
}
FUND_SOURCE_LABELS = {
    "中央": FundSource.CENTRAL,
    "省级": FundSource.PROVINCIAL,
    "市级": FundSource.CITY,
    "县级": FundSource.COUNTY,
    "乡镇": FundSource.TOWNSHIP,
    "自筹": FundSource.SELF_RAISED,
    "其他": FundSource.OTHER,
}
YES_NO_LABELS = {"是": True, "否": False}

STATUS_BY_VALUE = {value: label for label, value in STATUS_LABELS.items()}
FUND_SOURCE_BY_VALUE = {value: label for label, value in FUND_SOURCE_LABELS.items()}
YES_NO_BY_VALUE = {value: label for label, value in YES_NO_LABELS.items()}

# Full-width brackets and spaces are what Chinese input methods type by default.
_HEADER_TRANSLATION = str.maketrans({"（": "(", "）": ")", " ": None, "\u3000": None})


def normalize_header(text: object) -> str:
    return str(text).strip().translate(_HEADER_TRANSLATION)
