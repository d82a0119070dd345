"""Shared data for the petition web, API and Open311 tests.

Categories: ``roads`` (a request, public, routed to the township
government, with an English name), ``lamps`` (a suggestion, public, not routed), ``graft`` (a
report, public, routed to the county commission) and ``internal`` (a
request, not public). Evidence files come from ``tests.evidence_files``.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from sunshine.audit.actions import create_row
from sunshine.organisation.models import Level, UnitKind
from sunshine.petitions import actions
from sunshine.petitions.models import Category, Channel, Kind
from tests.conftest import region
from tests.evidence_files import EXE, JPEG, PDF, PNG  # noqa: F401 - shared with the tests

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday; 15 calendar days later is Tue 17 Mar 2026, a working day.
NOW = datetime.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI)
TOWNSHIP = "331002001"
VILLAGE = "331002001003"
PHONE = "13812345678"



def make_category(code: str, name: str, kind: str, *, public: bool = True,
                  unit_kind: str = "", level: str = "", name_en: str = "") -> Category:
    with transaction.atomic():
        return create_row(None, Category(code=code, name=name, name_en=name_en,
                                         default_kind=kind, is_public=public,
                                         route_unit_kind=unit_kind, route_level=level))


def make_categories() -> dict[str, Category]:
    return {
        "roads": make_category("roads", "道路交通", Kind.REQUEST, name_en="Roads and transport",
                               unit_kind=UnitKind.GOVERNMENT, level=Level.TOWNSHIP),
        "lamps": make_category("lamps", "路灯照明", Kind.SUGGESTION),
        "graft": make_category("graft", "违纪违法", Kind.ACCUSATION,
                               unit_kind=UnitKind.COMMISSION, level=Level.COUNTY),
        "internal": make_category("internal", "内部事项", Kind.REQUEST, public=False),
    }


def register(category: Category, actor=None, **extra):
    """Register a petition through the action; return (petition, secret)."""
    fields = {"kind": category.default_kind, "category": category, "channel": Channel.WEB,
              "region": region(TOWNSHIP), "text": "路面塌陷，请尽快修复。",
              "is_anonymous": True}
    fields.update(extra)
    return actions.register(actor, **fields)


def report_form(category: str = "roads", **extra) -> dict:
    """Return the POST data of a valid anonymous report on the portal form."""
    data = {"kind": Kind.REQUEST, "category": category, "region": TOWNSHIP,
            "text": "村口道路塌陷，已有车辆受损。", "identity": "anonymous", "consent": "on"}
    data.update(extra)
    return data


def file_by_api(client) -> dict:
    """File an anonymous request in 海门街道 through the public API and return the receipt."""
    make_categories()
    response = client.post("/api/v1/reports/", {"kind": Kind.REQUEST, "category": "roads",
                                                "region": TOWNSHIP, "text": "村口道路塌陷。"},
                           content_type="application/json")
    assert response.status_code == 201
    return response.json()


def make_world(categories, *, township_unit) -> dict:
    """Register three petitions on Mon 2 Mar 2026 and return them with their secrets.

    - ``request``: a named request in 海门街道, routed to the township government.
    - ``elsewhere``: an anonymous request in 黄岩区 (331003), not routed.
    - ``report``: a named report accusing the township government, routed to the
      椒江区 commission (``inspector_a``'s unit, which must exist); the township's
      staff must never see it.
    """
    request, request_secret = register(categories["roads"], is_anonymous=False,
                                       reporter_name="李四", reporter_phone=PHONE)
    request = actions.assign(None, request)
    elsewhere, elsewhere_secret = register(categories["lamps"], region=region("331003001"),
                                           text="建议增加路灯。")
    report, report_secret = register(categories["graft"], target_unit=township_unit,
                                     text="街道工作人员收受好处费。", is_anonymous=False,
                                     reporter_name="张三", reporter_phone="13900001111")
    report = actions.assign(None, report)
    return {"request": request, "elsewhere": elsewhere, "report": report,
            "secrets": {"request": request_secret, "elsewhere": elsewhere_secret,
                        "report": report_secret}}
