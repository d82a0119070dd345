"""The duty workbook format: sheet names, headers and what each column holds.

Sheet names, headers and labels are the file format county staff fill in,
so they stay Chinese whatever language the site shows.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

DIRECTIVES = "决策部署"
DUTIES = "权责清单"
STEPS = "流程节点"
TASKS = "任务分解"
NOTES = "说明"


class Kind:
    """Cell type of a column, which selects how it is read and formatted."""

    TEXT = "text"
    DATE = "date"
    PERCENT = "percent"
    NUMBER = "number"
    YES_NO = "yes_no"
    CYCLE = "cycle"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = Kind.TEXT
    required: bool = False
    max_length: int | None = None
    help: Any = ""


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


DATE_HELP = _("A date cell, or text such as 2024-03-05, 2024/3/5 or 2024年3月5日.")
UNIT_HELP = _("The unit's full name as the system lists it. When two units share the name, add "
              "the region code in brackets: 海门街道办事处（331002001）.")

DIRECTIVE_SHEET = Sheet(DIRECTIVES, (
    Column("document_number", "文号", required=True, max_length=100,
           help=_("The directive's document number; one row per directive.")),
    Column("title", "标题", required=True, max_length=300),
    Column("issuer", "发文单位", required=True, max_length=200),
    Column("issued_on", "发文日期", Kind.DATE, required=True, help=DATE_HELP),
    Column("region", "区划代码", required=True, max_length=12,
           help=_("Statistical code of the region the directive applies to, e.g. 331002.")),
    Column("unit", "承办单位", max_length=230, help=UNIT_HELP),
    Column("description", "说明"),
))

DUTY_SHEET = Sheet(DUTIES, (
    Column("unit", "执行单位", required=True, max_length=230, help=UNIT_HELP),
    Column("code", "事项编号", required=True, max_length=50,
           help=_("Unique within the unit; one row per duty.")),
    Column("name", "事项名称", required=True, max_length=300),
    Column("category", "事项类别", max_length=100),
    Column("basis", "法律政策依据", required=True),
    Column("funding", "资金来源及比例",
           help=_("Fund sources with their shares, e.g. 县级 80%；乡镇 20%; at most 100% in "
                  "all.")),
    Column("cycle", "履职周期", Kind.CYCLE, required=True),
    Column("deadline", "完成时限", Kind.DATE,
           help=_("Only for 一次性 duties; leave it empty for recurring ones.")),
    Column("required_evidence", "必交材料"),
    Column("is_public", "是否公开", Kind.YES_NO, required=True,
           help=_("是 lists the duty on the public portal.")),
    Column("directive", "决策部署文号", max_length=100,
           help=_("The document number of the directive the duty comes from, if any.")),
))

STEP_SHEET = Sheet(STEPS, (
    Column("unit", "执行单位", required=True, max_length=230, help=UNIT_HELP),
    Column("duty", "事项编号", required=True, max_length=50),
    Column("number", "序号", Kind.NUMBER, required=True),
    Column("name", "节点名称", required=True, max_length=200),
    Column("time_limit_days", "时限(天)", Kind.NUMBER),
    Column("required_evidence", "必交材料"),
    Column("is_disclosed", "是否公开节点", Kind.YES_NO),
))

TASK_SHEET = Sheet(TASKS, (
    Column("directive", "决策部署文号", required=True, max_length=100),
    Column("code", "任务编号", required=True, max_length=50,
           help=_("Unique within the directive; one row per task.")),
    Column("parent", "上级任务编号", max_length=50,
           help=_("Empty for a top-level task of the directive.")),
    Column("name", "任务名称", required=True, max_length=300),
    Column("lead_unit", "牵头单位", required=True, max_length=230, help=UNIT_HELP),
    Column("cooperating_units", "配合单位", help=_("Units separated by 、")),
    Column("responsible_person", "责任人", max_length=60,
           help=_("A person of the lead unit. When two share the name, add # and the number "
                  "the system shows: 张三#12.")),
    Column("start", "开始日期", Kind.DATE, required=True, help=DATE_HELP),
    Column("deadline", "完成时限", Kind.DATE, required=True, help=DATE_HELP),
    Column("weight", "权重(%)", Kind.PERCENT, required=True,
           help=_("The task's share of its parent; the tasks under one parent sum to 100.")),
    Column("milestones", "里程碑",
           help=_("The date, a space and the name, separated by ；: 2024-06-30 完成设计.")),
    Column("duty", "权责事项编号", max_length=50,
           help=_("The item number of a duty of the lead unit that the task carries out.")),
    Column("description", "任务说明"),
))

SHEETS = (DIRECTIVE_SHEET, DUTY_SHEET, STEP_SHEET, TASK_SHEET)
