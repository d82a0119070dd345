"""Helpers shared by the tests of supervision days, reward points and petition figures.

Petitions are made through the workflow actions; ``VILLAGE`` lies in
海门街道 (331002001), whose government ``township_unit`` handles the
``land`` category.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from sunshine.audit.actions import create_row
from sunshine.organisation.models import Level, UnitKind
from sunshine.petitions import actions, supervision_days
from sunshine.petitions.models import Category, Channel, Kind, Petition
from sunshine.petitions.models_ops import SupervisionDay
from tests.conftest import region

SHANGHAI = ZoneInfo("Asia/Shanghai")
VILLAGE = "331002001003"
TOWNSHIP = "331002001"


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def plan_haimen_day(actor, unit, **extra) -> SupervisionDay:
    """Plan the public supervision day of 海门街道 on Mon 16 Mar 2026, 09:00 to 11:30."""
    fields = {
        "region": region(TOWNSHIP), "unit": unit, "date": datetime.date(2026, 3, 16),
        "starts_at": datetime.time(9), "ends_at": datetime.time(11, 30),
        "place": "海门街道信访接待室", "officials": "王明 街道党工委书记", "capacity": 30,
    }
    fields.update(extra)
    return supervision_days.plan_day(actor, **fields)


def make_category(code: str = "land", kind: str = Kind.REQUEST,
                  unit_kind: str = UnitKind.GOVERNMENT, level: str = Level.TOWNSHIP) -> Category:
    with transaction.atomic():
        return create_row(None, Category(code=code, name=f"类别{code}", default_kind=kind,
                                         is_public=True, route_unit_kind=unit_kind,
                                         route_level=level))


def register(actor, category: Category, phone: str = "13812345678", **extra) -> Petition:
    fields = {
        "kind": category.default_kind, "category": category, "channel": Channel.WEB,
        "region": region(VILLAGE), "text": "村道损坏，请求维修。", "reporter_name": "张三",
        "reporter_phone": phone,
    }
    fields.update(extra)
    if fields.get("is_anonymous"):
        fields.update(reporter_name="", reporter_phone="")
    petition, _secret = actions.register(actor, **fields)
    return petition


def register_with_secret(actor, category: Category, phone: str = "13812345678",
                         **extra) -> tuple[Petition, str]:
    fields = {
        "kind": category.default_kind, "category": category, "channel": Channel.WEB,
        "region": region(VILLAGE), "text": "反映村干部违规发放补贴。", "reporter_name": "李四",
        "reporter_phone": phone,
    }
    fields.update(extra)
    return actions.register(actor, **fields)


def accepted(petition: Petition, handler, unit=None) -> Petition:
    """Assign (by routing unless ``unit`` is given) and accept the petition today."""
    petition = actions.assign(None, petition, unit)
    return actions.accept(handler, petition, notice="已受理")
