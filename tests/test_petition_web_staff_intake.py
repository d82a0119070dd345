"""Staff entering a petition at /staff/petitions/new/: visits, calls, letters, supervision days."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Role
from sunshine.petitions.models import Channel, EventAction, Evidence, Kind, Petition
from tests.conftest import make_staff
from tests.petition_web_data import EXE, JPEG, NOW, PHONE, TOWNSHIP, make_categories

pytestmark = pytest.mark.django_db

URL = reverse("petitions:staff_new")


@pytest.fixture(autouse=True)
def setup(time_machine, settings, tmp_path):
    time_machine.move_to(NOW, tick=False)
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


@pytest.fixture
def categories(db):
    return make_categories()


def entry(**extra) -> dict:
    data = {"channel": Channel.WALK_IN, "received_on": "2026-03-02", "kind": Kind.REQUEST,
            "category": "roads", "region": TOWNSHIP, "text": "来访反映村道塌陷。",
            "identity": "named", "reporter_name": "孙八", "reporter_phone": PHONE}
    data.update(extra)
    return data


def post(client, user, data, files=None):
    client.force_login(user)
    return client.post(URL, {**data, **(files or {})})


def test_it_shows_the_form(client, categories, operator_a):
    client.force_login(operator_a)

    response = client.get(URL)

    text = response.content.decode()
    assert response.status_code == 200
    assert "来源渠道" in text
    assert "监督日" in text
    assert "内部事项" in text


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_received_on_is_prefilled_as_iso_date(client, categories, operator_a, language):
    client.force_login(operator_a)

    text = client.get(URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    field = re.search(r'<input type="date" name="received_on"[^>]*>', text)
    assert field is not None
    assert f'value="{timezone.localdate().isoformat()}"' in field.group(0)


def test_it_registers_a_walk_in_and_routes_it(client, categories, operator_a, township_unit):
    response = post(client, operator_a, entry())

    assert response.status_code == 201
    petition = Petition.all_objects.get()
    assert petition.channel == Channel.WALK_IN
    assert petition.assigned_unit == township_unit
    assert petition.decrypt_reporter() == {"name": "孙八", "phone": PHONE}
    register_event = petition.events.get(action=EventAction.REGISTER)
    assert register_event.actor == operator_a
    assert not register_event.by_reporter
    assert "查询密码" in response.content.decode()


def test_report_on_own_unit_is_referred(client, categories, township_operator, township_unit,
                                        inspector_a):
    response = post(client, township_operator, entry(
        kind=Kind.ACCUSATION, category="graft", target_unit=township_unit.pk,
        identity="anonymous", reporter_name="", reporter_phone=""))

    text = response.content.decode()
    assert response.status_code == 400
    assert "反映的是您本人或您所在单位" in text
    assert "纪检监察机关" in text
    assert "查询密码" not in text
    assert not Petition.all_objects.exists()


def test_report_on_own_person_is_referred(client, categories, township_operator, unit_a):
    person = org_actions.create_person(None, name="应慧", unit=unit_a, post="科员",
                                       user=township_operator)

    response = post(client, township_operator, entry(
        kind=Kind.ACCUSATION, category="graft", person_name=person.name,
        identity="anonymous", reporter_name="", reporter_phone=""))

    assert response.status_code == 400
    assert not Petition.all_objects.exists()


def test_report_naming_the_clerk_second_is_referred(client, categories, township_operator,
                                                   unit_a, township_unit):
    org_actions.create_person(None, name="孙八", unit=township_unit, post="书记")
    clerk = org_actions.create_person(None, name="应慧", unit=unit_a, post="科员",
                                      user=township_operator)

    response = post(client, township_operator, entry(
        kind=Kind.ACCUSATION, category="graft", person_name=f"孙八、{clerk.name}",
        identity="anonymous", reporter_name="", reporter_phone=""))

    assert response.status_code == 400
    assert "反映的是您本人或您所在单位" in response.content.decode()
    assert not Petition.all_objects.exists()


def test_report_on_superior_unit_is_referred(client, categories, township_operator, unit_a):
    response = post(client, township_operator, entry(
        kind=Kind.ACCUSATION, category="graft", target_unit=unit_a.pk,
        identity="anonymous", reporter_name="", reporter_phone=""))

    assert response.status_code == 400


def test_report_on_other_unit_is_entered(client, categories, inspector_a,
                                         township_unit):
    response = post(client, inspector_a, entry(
        kind=Kind.ACCUSATION, category="graft", target_unit=township_unit.pk,
        identity="anonymous", reporter_name="", reporter_phone=""))

    report = Petition.all_objects.get()
    assert response.status_code == 201
    assert report.assigned_unit == inspector_a.assignments.get().unit
    assert report.events.get(action=EventAction.ASSIGN).actor is None


def test_report_cannot_go_to_a_government(client, categories, inspector_a, unit_a):
    response = post(client, inspector_a, entry(
        kind=Kind.ACCUSATION, category="graft", assign_to=unit_a.pk,
        identity="anonymous", reporter_name="", reporter_phone=""))

    assert response.status_code == 400
    assert "纪检监察机关" in response.content.decode()
    assert unit_a.name in response.content.decode()
    assert not Petition.all_objects.exists()


def test_report_goes_to_the_chosen_commission(client, categories, inspector_a):
    commission = inspector_a.assignments.get().unit

    response = post(client, inspector_a, entry(
        kind=Kind.ACCUSATION, category="graft", assign_to=commission.pk,
        identity="anonymous", reporter_name="", reporter_phone=""))

    assert response.status_code == 201
    assert Petition.all_objects.get().assigned_unit == commission


def test_it_registers_a_supervision_day_case_for_the_chosen_unit(client, categories,
                                                                  operator_a, unit_a):
    response = post(client, operator_a, entry(channel=Channel.SUPERVISION_DAY,
                                              assign_to=unit_a.pk, category="lamps",
                                              kind=Kind.SUGGESTION))

    assert response.status_code == 201
    petition = Petition.all_objects.get()
    assert petition.channel == Channel.SUPERVISION_DAY
    assert petition.assigned_unit == unit_a


def test_it_keeps_an_unrouted_petition_and_says_so(client, categories, operator_a):
    response = post(client, operator_a, entry(category="lamps", kind=Kind.SUGGESTION))

    assert response.status_code == 201
    assert Petition.all_objects.get().assigned_unit is None
    assert "尚未交办" in response.content.decode()


def test_it_records_the_received_date(client, categories, operator_a):
    post(client, operator_a, entry(channel=Channel.LETTER, received_on="2026-02-27"))

    petition = Petition.all_objects.get()
    assert petition.received_on == datetime.date(2026, 2, 27)
    assert petition.channel == Channel.LETTER


def test_it_rejects_a_future_received_date(client, categories, operator_a):
    response = post(client, operator_a, entry(received_on="2026-03-09"))

    assert response.status_code == 400
    assert "2026-03-09" in response.content.decode()


@pytest.mark.parametrize("received_on", ["0001-01-01", "1900-01-01", "2025-03-01"])
def test_it_rejects_a_received_date_too_long_ago(client, categories, operator_a, received_on):
    response = post(client, operator_a, entry(received_on=received_on))

    text = response.content.decode()
    assert response.status_code == 400
    assert received_on in text
    assert "2025-03-02" in text
    assert not Petition.all_objects.exists()


def test_it_accepts_the_earliest_received_date(client, categories, operator_a):
    response = post(client, operator_a, entry(received_on="2025-03-02"))

    assert response.status_code == 201
    assert Petition.all_objects.get().received_on == datetime.date(2025, 3, 2)


def test_it_rejects_the_web_channel(client, categories, operator_a):
    response = post(client, operator_a, entry(channel=Channel.WEB))

    assert response.status_code == 400
    assert not Petition.all_objects.exists()


def test_it_rejects_a_region_outside_the_scope(client, categories, operator_a):
    response = post(client, operator_a, entry(region="331003001"))

    assert response.status_code == 400
    assert "331003001" in response.content.decode()


def test_it_rejects_an_invalid_phone_naming_it(client, categories, operator_a):
    response = post(client, operator_a, entry(reporter_phone="0576-123"))

    assert response.status_code == 400
    assert "0576-123" in response.content.decode()


def test_it_stores_evidence_and_rejects_disguised_files(client, categories, operator_a):
    good = post(client, operator_a, entry(), {"evidence": [SimpleUploadedFile("信.jpg", JPEG)]})
    bad = post(client, operator_a, entry(), {"evidence": [SimpleUploadedFile("信.jpg", EXE)]})

    assert good.status_code == 201
    assert bad.status_code == 400
    assert Evidence.objects.count() == 1
    assert Petition.all_objects.count() == 1


def test_inspector_registers_a_report_for_the_commission(client, categories, inspector_a,
                                                         unit_a):
    response = post(client, inspector_a, entry(category="graft", kind=Kind.ACCUSATION,
                                               channel=Channel.PHONE, target_unit=unit_a.pk))

    assert response.status_code == 201
    petition = Petition.all_objects.get()
    assert petition.kind == Kind.ACCUSATION
    assert petition.assigned_unit.name == "椒江区纪委监委"


def test_it_refuses_a_user_without_a_handling_role(client, categories, django_user_model,
                                                   unit_a):
    evaluator = make_staff(django_user_model, "evaluator", Role.EVALUATOR, unit_a)
    client.force_login(evaluator)

    assert client.get(URL).status_code == 403
    assert client.post(URL, entry()).status_code == 403


def test_it_sends_anonymous_users_to_the_login(client, categories):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_rejects_other_methods(client, categories, operator_a):
    client.force_login(operator_a)

    assert client.put(URL).status_code == 405
