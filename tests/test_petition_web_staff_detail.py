"""A petition's staff page, the audited reveal of the reporter and evidence downloads.

Personas as in tests/conftest.py; ``inspector_a`` belongs to the 椒江区
commission that handles the report, so only they may see its reporter.
"""

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sunshine.audit.models import AuditEntry
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Role
from sunshine.petitions import actions
from tests.conftest import make_staff
from tests.petition_web_data import JPEG, NOW, make_categories, make_world, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def setup(time_machine, settings, tmp_path):
    time_machine.move_to(NOW, tick=False)
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


@pytest.fixture
def world(db, inspector_a, township_unit):
    return make_world(make_categories(), township_unit=township_unit)


def detail(pk: int) -> str:
    return reverse("petitions:staff_detail", args=[pk])


def reveal(pk: int) -> str:
    return reverse("petitions:staff_reveal", args=[pk])


def test_it_shows_the_petition_with_log_and_deadlines(client, world, operator_a):
    client.force_login(operator_a)
    petition = world["request"]

    response = client.get(detail(petition.pk))

    text = response.content.decode()
    assert response.status_code == 200
    assert petition.tracking_code in text
    assert "路面塌陷" in text
    assert "2026-03-17" in text
    assert "已登记" in text
    assert "已交办" in text
    assert "实名（已隐藏）" in text
    assert "李四" not in text
    assert "13812345678" not in text


def test_it_names_every_person_concerned(client, township_unit, unit_a, inspector_a):
    categories = make_categories()
    secretary = org_actions.create_person(None, name="孙八", unit=township_unit, post="书记")
    director = org_actions.create_person(None, name="周九", unit=unit_a, post="主任")
    report, _secret = register(categories["graft"], target_person=secretary,
                               further_persons=[director], text="收受好处费。")
    report = actions.assign(None, report)
    client.force_login(inspector_a)

    response = client.get(detail(report.pk))

    assert response.status_code == 200
    assert "反映的人员" in response.content.decode()
    assert "孙八、周九" in response.content.decode()


def test_deadlines_speak_of_the_reporter(client, world, operator_a, inspector_a):
    client.force_login(operator_a)
    request_page = client.get(detail(world["request"].pk)).content.decode()
    client.force_login(inspector_a)
    report_page = client.get(detail(world["report"].pk),
                             HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "决定是否受理并书面告知信访人" in request_page
    assert "书面告知您" not in request_page
    assert "Notice to the reporter that the real-name report was accepted" in report_page
    assert "your real-name report" not in report_page


def test_it_refuses_a_petition_of_another_county(client, world, operator_b):
    client.force_login(operator_b)

    assert client.get(detail(world["request"].pk)).status_code == 404


@pytest.fixture
def township_leader(django_user_model, township_unit):
    return make_staff(django_user_model, "township_leader", Role.LEADER, township_unit)


@pytest.mark.parametrize("persona", ["township_operator", "township_leader"])
def test_it_hides_the_report_from_the_accused_unit(client, world, persona, request):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(detail(world["report"].pk))

    assert response.status_code == 404
    assert world["report"].tracking_code not in response.content.decode()


# The language switch carries a CSRF token, which changes with every page.
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def test_hidden_and_missing_look_alike(client, world, township_operator):
    client.force_login(township_operator)
    cases = {"accusing the user": world["report"].pk, "outside the scope": world["elsewhere"].pk,
             "missing": 999999}
    answers = {}
    for case, pk in cases.items():
        response = client.get(detail(pk))
        page = response.content.decode().replace(f"/{pk}/", "/PK/")
        answers[case] = (response.status_code, CSRF_TOKEN.sub("", page))

    assert answers["accusing the user"][0] == 404
    assert answers["accusing the user"] == answers["missing"]
    assert answers["outside the scope"] == answers["missing"]


def test_it_answers_404_for_an_unknown_petition(client, world, operator_a):
    client.force_login(operator_a)

    assert client.get(detail(999999)).status_code == 404


def test_it_rejects_post_on_the_page(client, world, operator_a):
    client.force_login(operator_a)

    assert client.post(detail(world["request"].pk)).status_code == 405


def test_it_offers_the_steps_the_user_may_take(client, world, township_operator, inspector_a):
    client.force_login(township_operator)
    handler_page = client.get(detail(world["request"].pk)).content.decode()
    client.force_login(inspector_a)
    reader_page = client.get(detail(world["request"].pk)).content.decode()

    accept = reverse("petitions:staff_action", args=[world["request"].pk, "accept"])
    assert f'action="{accept}"' in handler_page
    assert "/accept/" not in reader_page


def test_handling_inspector_sees_the_reporter_and_the_view_is_audited(client, world,
                                                                       inspector_a):
    client.force_login(inspector_a)
    report = world["report"]
    before = client.get(detail(report.pk)).content.decode()

    response = client.post(reveal(report.pk))

    text = response.content.decode()
    assert "查看姓名和电话" in before
    assert "张三" not in before
    assert response.status_code == 200
    assert "张三 13900001111" in text
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.filter(action="view_personal").get()
    assert entry.object_id == str(report.pk)
    assert entry.actor_id == inspector_a.pk


def test_operator_may_not_see_the_reporter(client, world, operator_a):
    client.force_login(operator_a)

    response = client.post(reveal(world["request"].pk))

    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="view_personal").exists()


def test_reveal_rejects_get(client, world, inspector_a):
    client.force_login(inspector_a)

    assert client.get(reveal(world["report"].pk)).status_code == 405


def test_reveal_hides_the_report_from_the_accused_unit(client, world, township_operator):
    client.force_login(township_operator)

    assert client.post(reveal(world["report"].pk)).status_code == 404


@pytest.fixture
def evidence(world, operator_a):
    return actions.attach_evidence(operator_a, world["request"],
                                   SimpleUploadedFile("现场.jpg", JPEG))


def download(petition_pk: int, evidence_pk: int) -> str:
    return reverse("petitions:staff_evidence", args=[petition_pk, evidence_pk])


def test_it_downloads_evidence(client, world, evidence, township_operator):
    client.force_login(township_operator)

    response = client.get(download(world["request"].pk, evidence.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == JPEG


def test_evidence_list_hides_file_names(client, world, township_operator):
    named = actions.attach_evidence(township_operator, world["request"],
                                    SimpleUploadedFile("李四_身份证_330102199001011234.jpg", JPEG))
    client.force_login(township_operator)

    page = client.get(detail(world["request"].pk)).content.decode()

    assert named.original_name == ""
    assert "330102199001011234" not in page
    assert "李四" not in page
    assert "证据材料 1" in page
    assert download(world["request"].pk, named.pk) in page


def test_evidence_is_scoped(client, world, evidence, operator_b):
    client.force_login(operator_b)

    assert client.get(download(world["request"].pk, evidence.pk)).status_code == 404


def test_evidence_of_another_petition_is_not_found(client, world, evidence, inspector_a):
    client.force_login(inspector_a)

    assert client.get(download(world["report"].pk, evidence.pk)).status_code == 404


def test_evidence_rejects_post(client, world, evidence, operator_a):
    client.force_login(operator_a)

    assert client.post(download(world["request"].pk, evidence.pk)).status_code == 405
