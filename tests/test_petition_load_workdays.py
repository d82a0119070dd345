"""The load_workdays command and the audited admin pages of the settings tables."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sunshine.audit.verify import verify
from sunshine.petitions import workdays
from sunshine.petitions.models import Category, WorkdayOverride

pytestmark = pytest.mark.django_db

SOURCE = "国务院办公厅关于2027年部分节假日安排的通知（测试用）"


def write_csv(tmp_path, text: str):
    path = tmp_path / "2027.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_it_loads_days(tmp_path, capsys):
    path = write_csv(tmp_path, "date,is_workday,name\n2027-02-08,0,春节\n2027-02-20,1,调休上班\n")

    call_command("load_workdays", str(path), "--source", SOURCE)

    assert workdays.is_workday(datetime.date(2027, 2, 8)) is False
    assert workdays.is_workday(datetime.date(2027, 2, 20)) is True
    assert WorkdayOverride.objects.get(date="2027-02-08").source == SOURCE
    assert "2" in capsys.readouterr().out
    assert verify() == []


def test_it_updates_existing_days(tmp_path):
    call_command("load_workdays", str(write_csv(tmp_path, "date,is_workday,name\n2027-02-08,1,x\n")),
                 "--source", SOURCE)
    call_command("load_workdays", str(write_csv(tmp_path, "date,is_workday,name\n2027-02-08,0,春节\n")),
                 "--source", SOURCE)

    assert WorkdayOverride.objects.get().is_workday is False
    assert verify() == []


def test_it_names_bad_line(tmp_path):
    path = write_csv(tmp_path, "date,is_workday,name\n2027-02-08,0,春节\n2027-13-01,0,x\n")

    with pytest.raises(CommandError, match="3"):
        call_command("load_workdays", str(path), "--source", SOURCE)

    assert not WorkdayOverride.objects.exists()


def test_it_rejects_unknown_flag(tmp_path):
    path = write_csv(tmp_path, "date,is_workday,name\n2027-02-08,maybe,春节\n")

    with pytest.raises(CommandError, match="maybe"):
        call_command("load_workdays", str(path), "--source", SOURCE)


def test_it_records_the_user(tmp_path, city_admin):
    path = write_csv(tmp_path, "date,is_workday,name\n2027-02-08,0,春节\n")

    call_command("load_workdays", str(path), "--source", SOURCE, "--user", "city_admin")

    assert WorkdayOverride.objects.get().audit_entry.actor_label == "city_admin"


def test_admin_edits_are_audited(admin_client):
    created = admin_client.post("/admin/petitions/workdayoverride/add/", {
        "date": "2027-02-09", "is_workday": "", "name": "春节", "source": SOURCE,
    })
    override = WorkdayOverride.objects.get()
    changed = admin_client.post(f"/admin/petitions/workdayoverride/{override.pk}/change/", {
        "date": "2027-02-09", "is_workday": "on", "name": "调休", "source": SOURCE,
        "expected_version": override.version,
    })
    category = admin_client.post("/admin/petitions/category/add/", {
        "code": "roads", "name": "道路", "default_kind": "request", "is_active": "on",
        "route_unit_kind": "", "route_level": "",
    })

    assert created.status_code == 302
    assert changed.status_code == 302
    assert category.status_code == 302
    assert WorkdayOverride.objects.get().is_workday is True
    assert Category.objects.get().name == "道路"
    assert verify() == []


def test_admin_delete_is_audited(admin_client, tmp_path):
    call_command("load_workdays", str(write_csv(tmp_path, "date,is_workday,name\n2027-02-08,0,x\n")),
                 "--source", SOURCE)
    override = WorkdayOverride.objects.get()

    response = admin_client.post(f"/admin/petitions/workdayoverride/{override.pk}/delete/",
                                 {"post": "yes"})

    assert response.status_code == 302
    assert not WorkdayOverride.objects.exists()
    assert verify() == []


@pytest.mark.parametrize("source", ["", "   "])
def test_it_rejects_blank_source(tmp_path, source):
    path = write_csv(tmp_path, "date,is_workday,name\n2027-01-01,0,元旦\n")

    with pytest.raises(CommandError, match="--source"):
        call_command("load_workdays", str(path), "--source", source)

    assert not WorkdayOverride.objects.exists()


def test_it_strips_the_source(tmp_path):
    path = write_csv(tmp_path, "date,is_workday,name\n2027-01-01,0,元旦\n")

    call_command("load_workdays", str(path), "--source", f"  {SOURCE}  ")

    assert WorkdayOverride.objects.get().source == SOURCE
