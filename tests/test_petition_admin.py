"""Admin edits of petition categories and working-day overrides: audited and version-checked."""

import datetime

import pytest
from django.urls import reverse

from sunshine.audit.verify import verify
from sunshine.petitions.models import Category, Kind, WorkdayOverride
from tests.petition_web_data import make_category

pytestmark = pytest.mark.django_db


def category_data(category: Category, **changes) -> dict:
    data = {"code": category.code, "name": category.name, "name_en": category.name_en,
            "default_kind": category.default_kind, "is_public": "on", "is_active": "on",
            "route_unit_kind": "", "route_level": "", "expected_version": category.version}
    data.update(changes)
    return data


def test_category_edit_rejects_a_stale_page(admin_client):
    category = make_category("roads", "道路交通", Kind.REQUEST)
    url = reverse("admin:petitions_category_change", args=[category.pk])
    opened = category_data(category)

    first = admin_client.post(url, {**opened, "name": "道路与交通"})
    second = admin_client.post(url, {**opened, "name": "农村道路"})

    category.refresh_from_db()
    assert first.status_code == 302
    assert second.status_code == 200
    assert "已被他人修改" in second.content.decode()
    assert category.name == "道路与交通"
    assert category.version == opened["expected_version"] + 1
    assert verify() == []


def test_category_english_name_is_edited(admin_client):
    category = make_category("roads", "道路交通", Kind.REQUEST)
    url = reverse("admin:petitions_category_change", args=[category.pk])

    response = admin_client.post(url, category_data(category, name_en="Roads and transport"))

    category.refresh_from_db()
    assert response.status_code == 302
    assert category.name_en == "Roads and transport"
    assert verify() == []


def test_workday_override_edit_rejects_a_stale_page(admin_client):
    add = admin_client.post(reverse("admin:petitions_workdayoverride_add"), {
        "date": "2027-02-07", "is_workday": "on", "name": "春节调休", "source": "国办发明电"})
    override = WorkdayOverride.objects.get(date=datetime.date(2027, 2, 7))
    url = reverse("admin:petitions_workdayoverride_change", args=[override.pk])
    opened = {"date": "2027-02-07", "is_workday": "on", "name": "春节调休", "source": "国办发明电",
              "expected_version": override.version}

    first = admin_client.post(url, {**opened, "is_workday": ""})
    second = admin_client.post(url, {**opened, "name": "春节补班"})

    override.refresh_from_db()
    assert add.status_code == 302
    assert first.status_code == 302
    assert second.status_code == 200
    assert override.is_workday is False
    assert override.name == "春节调休"
    assert verify() == []
