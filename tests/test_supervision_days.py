"""Supervision days: planning, registrations with their limits, matters entering the workflow, pages.

Personas: ``township_operator`` plans days for 海门街道 (331002001);
``operator_b`` (黄岩区) is outside that scope; a citizen is the anonymous
``client``. Time is frozen on Mon 2 Mar 2026.
"""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from sunshine.audit.chain import canonical
from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.organisation.models import Role
from sunshine.petitions import supervision_days
from sunshine.petitions.models import Channel, EventAction, Kind, Petition, State
from sunshine.petitions.models_ops import DayState, SupervisionDay, SupervisionRegistration
from sunshine.petitions.views_ops import public as public_views
from sunshine.rules.models import Setting
from tests.conftest import make_staff, region
from tests.hidden_ids import assert_looks_unknown, logged_in, unknown_id
from tests.petition_ops_data import TOWNSHIP, VILLAGE, at, make_category, plan_haimen_day

pytestmark = pytest.mark.django_db

D = datetime.date
T = datetime.time


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at(2026, 3, 2, 8), tick=False)
    return time_machine


def plan(actor, unit, **extra) -> SupervisionDay:
    fields = {"officials": "王明 街道党工委书记\n李华 街道办事处主任", "capacity": 2, **extra}
    return plan_haimen_day(actor, unit, **fields)


@pytest.fixture
def day(township_operator, township_unit):
    return plan(township_operator, township_unit)


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_plan_day_is_audited(day):
    assert day.state == DayState.PLANNED
    assert day.is_public is True
    assert day.officials_list() == ["王明 街道党工委书记", "李华 街道办事处主任"]
    assert AuditEntry.objects.filter(object_type="petitions.supervisionday",
                                     action="create").count() == 1
    assert verify() == []


def test_times_are_digested_as_iso_text():
    assert canonical(T(9, 30)) == "09:30:00"


def test_plan_day_default_capacity(township_operator, township_unit):
    found = plan(township_operator, township_unit, capacity=None)

    assert found.capacity == 30


def test_plan_day_rejects_past_date(township_operator, township_unit):
    with pytest.raises(ValidationError) as error:
        plan(township_operator, township_unit, date=D(2026, 3, 1))

    assert error.value.code == "date_passed"
    assert "2026-03-01" in messages(error.value)


@pytest.mark.parametrize(("starts_at", "ends_at"), [(T(7, 30), T(9, 0)), (T(6, 0), T(7, 0))])
def test_plan_day_rejects_passed_start(township_operator, township_unit, starts_at, ends_at):
    with pytest.raises(ValidationError) as error:
        plan(township_operator, township_unit, date=D(2026, 3, 2), starts_at=starts_at,
             ends_at=ends_at)

    assert error.value.code == "start_passed"
    assert starts_at.strftime("%H:%M") in messages(error.value)
    assert not SupervisionDay.all_objects.exists()


def test_plan_day_later_today(township_operator, township_unit):
    found = plan(township_operator, township_unit, date=D(2026, 3, 2), starts_at=T(8, 30))

    assert found.date == D(2026, 3, 2)


def test_update_day_rejects_passed_start(day, township_operator):
    with pytest.raises(ValidationError) as error:
        supervision_days.update_day(township_operator, day,
                                    {"date": D(2026, 3, 2), "starts_at": T(7, 0)},
                                    expected_version=day.version)

    assert error.value.code == "start_passed"


def test_cancel_day_rejected_after_end(day, township_operator, frozen):
    frozen.move_to(at(2026, 3, 16, 12), tick=False)

    with pytest.raises(ValidationError) as error:
        supervision_days.cancel_day(township_operator, day, reason="台风预警")

    assert error.value.code == "day_ended"
    assert "11:30" in messages(error.value)
    day.refresh_from_db()
    assert day.state == DayState.PLANNED


def test_cancel_day_allowed_while_under_way(day, township_operator, frozen):
    frozen.move_to(at(2026, 3, 16, 10), tick=False)

    cancelled = supervision_days.cancel_day(township_operator, day, reason="台风预警")

    assert cancelled.state == DayState.CANCELLED


def test_plan_day_needs_township(operator_a, unit_a):
    with pytest.raises(ValidationError) as error:
        plan(operator_a, unit_a, region=region("331002"))

    assert error.value.code == "not_township"


def test_plan_day_rejects_end_before_start(township_operator, township_unit):
    with pytest.raises(ValidationError) as error:
        plan(township_operator, township_unit, ends_at=T(8, 0))

    assert error.value.code == "invalid_times"


def test_plan_day_rejects_same_start(day, township_operator, township_unit):
    with pytest.raises(ValidationError) as error:
        plan(township_operator, township_unit)

    assert error.value.code == "day_taken"


def test_plan_day_outside_scope(operator_b, township_unit):
    with pytest.raises(PermissionDenied):
        plan(operator_b, township_unit)


def test_plan_monthly_keeps_day_of_month(township_operator, township_unit):
    days = supervision_days.plan_monthly(
        township_operator, months=3, date=D(2026, 3, 31), region=region(TOWNSHIP),
        unit=township_unit, starts_at=T(14, 30), ends_at=T(17, 0), place="便民服务中心",
        officials="王明 街道党工委书记", capacity=20)

    assert [d.date for d in days] == [D(2026, 3, 31), D(2026, 4, 30), D(2026, 5, 31)]


def test_registration_encrypts_identity(day):
    registration = supervision_days.register_for_day(day, name="赵敏", phone="138-1234-5678",
                                                     topic="村道维修进度")

    stored = SupervisionRegistration.objects.get(pk=registration.pk)
    assert "赵敏" not in stored.name_encrypted
    assert "13812345678" not in stored.phone_encrypted
    assert stored.decrypt_identity() == {"name": "赵敏", "phone": "13812345678"}
    assert re.fullmatch(r"J[2-9A-Z]{9}", stored.reference)
    assert verify() == []


def test_registration_limit_per_phone(day):
    supervision_days.register_for_day(day, name="赵敏", phone="13812345678", topic="村道")

    with pytest.raises(ValidationError) as error:
        supervision_days.register_for_day(day, name="赵敏", phone="13812345678", topic="补贴")

    assert error.value.code == "phone_limit"
    assert "138****5678" in messages(error.value)
    assert "13812345678" not in messages(error.value)


def test_registration_limit_follows_setting(day):
    Setting.objects.create(key=supervision_days.PER_PHONE, value=2,
                           effective_from=D(2026, 1, 1))

    supervision_days.register_for_day(day, name="赵敏", phone="13812345678", topic="村道")
    supervision_days.register_for_day(day, name="赵敏", phone="13812345678", topic="补贴")

    assert day.registrations.count() == 2


def test_registration_refused_when_full(day):
    supervision_days.register_for_day(day, name="赵敏", phone="13800000001", topic="村道")
    supervision_days.register_for_day(day, name="钱多", phone="13800000002", topic="补贴")

    with pytest.raises(ValidationError) as error:
        supervision_days.register_for_day(day, name="孙立", phone="13800000003", topic="河道")

    assert error.value.code == "day_full"
    assert "2" in messages(error.value)


def test_registration_closed_once_day_began(day, frozen):
    frozen.move_to(at(2026, 3, 16, 9), tick=False)

    with pytest.raises(ValidationError) as error:
        supervision_days.register_for_day(day, name="赵敏", phone="13812345678", topic="村道")

    assert error.value.code == "registration_closed"


def test_registration_refused_for_cancelled_day(day, township_operator):
    supervision_days.cancel_day(township_operator, day, reason="台风预警")

    with pytest.raises(ValidationError) as error:
        supervision_days.register_for_day(day, name="赵敏", phone="13812345678", topic="村道")

    assert error.value.code == "not_open"


def test_registration_needs_phone(day):
    with pytest.raises(ValidationError) as error:
        supervision_days.register_for_day(day, name="赵敏", phone="", topic="村道")

    assert error.value.code == "required"


def test_registration_rejects_bad_phone(day):
    with pytest.raises(ValidationError) as error:
        supervision_days.register_for_day(day, name="赵敏", phone="12ab", topic="村道")

    assert error.value.code == "invalid_phone"
    assert "12ab" in messages(error.value)


def test_capacity_not_below_registrations(day, township_operator):
    supervision_days.register_for_day(day, name="赵敏", phone="13800000001", topic="村道")
    supervision_days.register_for_day(day, name="钱多", phone="13800000002", topic="补贴")

    with pytest.raises(ValidationError) as error:
        supervision_days.update_day(township_operator, day, {"capacity": 1},
                                    expected_version=day.version)

    assert error.value.code == "invalid_capacity"


def test_update_day_changes_place(day, township_operator):
    updated = supervision_days.update_day(township_operator, day, {"place": "社会治理中心"},
                                          expected_version=day.version)

    assert updated.place == "社会治理中心"
    assert updated.version == 2
    assert verify() == []


@pytest.fixture
def held_day(day, township_operator, frozen):
    registration = supervision_days.register_for_day(day, name="赵敏", phone="13812345678",
                                                     topic="村道维修进度")
    frozen.move_to(at(2026, 3, 16, 10), tick=False)
    return day, registration


def test_matter_enters_petition_workflow(held_day, township_operator):
    day, registration = held_day
    category = make_category()

    matter, petition, secret = supervision_days.record_matter(
        township_operator, day, registration=registration, region=region(VILLAGE),
        kind=Kind.REQUEST, category=category, text="村道塌陷，请求修复。",
        reporter_name="赵敏", reporter_phone="13812345678")

    assert petition.channel == Channel.SUPERVISION_DAY
    assert petition.received_on == D(2026, 3, 16)
    assert petition.state == State.RECEIVED
    assert petition.due_on is not None
    assert len(secret) == 10
    assert matter.registration == registration
    assert petition.events.get().action == EventAction.REGISTER
    assert petition.supervision_matter == matter
    assert verify() == []


def test_matter_not_before_the_day(day, township_operator):
    with pytest.raises(ValidationError) as error:
        supervision_days.record_matter(township_operator, day, kind=Kind.REQUEST,
                                       category=make_category(), text="反映问题。",
                                       is_anonymous=True)

    assert error.value.code == "day_not_held"


def test_matter_region_inside_township(held_day, township_operator):
    day, _registration = held_day

    with pytest.raises(ValidationError) as error:
        supervision_days.record_matter(township_operator, day, region=region("331003001"),
                                       kind=Kind.REQUEST, category=make_category(),
                                       text="反映问题。", is_anonymous=True)

    assert error.value.code == "region_outside_day"


def test_record_day_held(held_day, township_operator):
    day, _registration = held_day

    held = supervision_days.record_day_held(township_operator, day, summary="接待群众8人次。",
                                            visitors=8)

    assert held.state == DayState.HELD
    assert held.visitors == 8


def test_record_day_held_not_in_advance(day, township_operator):
    with pytest.raises(ValidationError) as error:
        supervision_days.record_day_held(township_operator, day, summary="接待。", visitors=1)

    assert error.value.code == "day_in_future"


def test_reveal_registrants_is_audited(held_day, township_operator):
    day, registration = held_day

    rows = supervision_days.reveal_registrants(township_operator, day)

    assert rows == [(registration, {"name": "赵敏", "phone": "13812345678"})]
    entry = AuditEntry.objects.filter(action="view_personal").latest("id")
    assert entry.object_id == str(day.pk)
    assert entry.actor_id == township_operator.pk


def test_reveal_registrants_outside_scope(held_day, operator_b):
    day, _registration = held_day

    with pytest.raises(PermissionDenied):
        supervision_days.reveal_registrants(operator_b, day)


# Public pages


def test_public_list_shows_published_days(client, day, township_operator, township_unit):
    plan(township_operator, township_unit, date=D(2026, 3, 20), is_public=False,
         place="内部会议室")

    response = client.get(reverse("supervision:days"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "监督日" in text
    assert "海门街道信访接待室" in text
    assert "内部会议室" not in text
    assert "王明 街道党工委书记" in text


@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "{date}（星期一）"),
                                                   ("en", "{date} (Monday)")])
def test_public_list_dates_follow_language(client, day, language, heading):
    text = client.get(reverse("supervision:days"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert day.date.weekday() == 0
    assert heading.format(date=day.date.isoformat()) in text


def test_public_list_is_paged(client, township_operator, township_unit):
    first = D(2026, 3, 16)
    for offset in range(public_views.DAYS_PER_PAGE + 1):
        plan(township_operator, township_unit, date=first + datetime.timedelta(days=offset))

    first_page = client.get(reverse("supervision:days"), {"region": "331002"}).content.decode()
    second_page = client.get(reverse("supervision:days"),
                             {"region": "331002", "page": "2"}).content.decode()

    last = (first + datetime.timedelta(days=public_views.DAYS_PER_PAGE)).isoformat()
    assert first_page.count('class="result"') == public_views.DAYS_PER_PAGE
    assert last not in first_page
    assert "region=331002&amp;page=2" in first_page
    assert second_page.count('class="result"') == 1
    assert last in second_page


def test_public_list_filters_by_county(client, day):
    elsewhere = client.get(reverse("supervision:days") + "?region=331003")
    here = client.get(reverse("supervision:days") + "?region=331002")

    assert "海门街道信访接待室" not in elsewhere.content.decode()
    assert "海门街道信访接待室" in here.content.decode()


def test_public_list_unknown_region_404(client):
    assert client.get(reverse("supervision:days") + "?region=999").status_code == 404


def test_public_list_hides_past_days(client, day, frozen):
    frozen.move_to(at(2026, 3, 17), tick=False)

    response = client.get(reverse("supervision:days"))

    assert "海门街道信访接待室" not in response.content.decode()


def test_public_list_hides_day_ended_today(client, day, frozen):
    frozen.move_to(at(2026, 3, 16, 11, 30), tick=False)

    response = client.get(reverse("supervision:days"))

    assert "海门街道信访接待室" not in response.content.decode()


def test_public_list_keeps_day_until_end(client, day, frozen):
    frozen.move_to(at(2026, 3, 16, 11, 29), tick=False)

    response = client.get(reverse("supervision:days"))

    assert "海门街道信访接待室" in response.content.decode()


def test_citizen_registers_on_the_page(client, day):
    response = client.post(reverse("supervision:day", args=[day.pk]),
                           {"name": "赵敏", "phone": "13812345678", "topic": "村道维修"})

    registration = day.registrations.get()
    assert response.status_code == 302
    assert registration.reference in response["Location"]
    page = client.get(response["Location"])
    assert registration.reference in page.content.decode()
    assert "赵敏" not in page.content.decode()


def test_registration_page_shows_limit_error(client, day):
    fields = {"name": "赵敏", "phone": "13812345678", "topic": "村道维修"}
    client.post(reverse("supervision:day", args=[day.pk]), fields)

    response = client.post(reverse("supervision:day", args=[day.pk]), fields)

    assert response.status_code == 400
    assert "138****5678" in response.content.decode()
    assert "已为" in response.content.decode()


def test_registration_page_requires_fields(client, day):
    response = client.post(reverse("supervision:day", args=[day.pk]), {"name": "赵敏"})

    assert response.status_code == 400
    assert day.registrations.count() == 0


def test_unpublished_day_page_404(client, township_operator, township_unit):
    hidden = plan(township_operator, township_unit, is_public=False)

    assert client.get(reverse("supervision:day", args=[hidden.pk])).status_code == 404


def test_day_page_rejects_put(client, day):
    assert client.put(reverse("supervision:day", args=[day.pk])).status_code == 405


def test_unknown_registration_404(client, day):
    url = reverse("supervision:registered", args=[day.pk, "JXXXXXXXXX"])

    assert client.get(url).status_code == 404


# Staff pages


def test_staff_pages_need_login(client, day):
    response = client.get(reverse("supervision:staff_day", args=[day.pk]))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_staff_plans_on_the_page(client, township_operator, township_unit):
    client.force_login(township_operator)

    response = client.post(reverse("supervision:staff_day_plan"), {
        "region": TOWNSHIP, "unit": township_unit.pk, "date": "2026-04-10", "months": "2",
        "starts_at": "09:00", "ends_at": "11:00", "place": "海门街道便民服务中心",
        "officials": "王明 街道党工委书记", "capacity": "25", "is_public": "on",
    })

    assert response.status_code == 302
    assert list(SupervisionDay.all_objects.values_list("date", flat=True)) == [
        D(2026, 4, 10), D(2026, 5, 10)]


def test_staff_plan_page_shows_action_error(client, township_operator, township_unit):
    client.force_login(township_operator)

    response = client.post(reverse("supervision:staff_day_plan"), {
        "region": TOWNSHIP, "unit": township_unit.pk, "date": "2026-02-10", "months": "1",
        "starts_at": "09:00", "ends_at": "11:00", "place": "海门街道便民服务中心",
        "officials": "王明", "capacity": "25",
    })

    assert response.status_code == 400
    assert "2026-02-10" in response.content.decode()


@pytest.mark.parametrize(("date", "months"), [("9999-12-31", "2"), ("9999-12-31", "1"),
                                             ("2028-03-02", "1")])
def test_staff_plan_rejects_far_date(client, township_operator, township_unit, date, months):
    client.force_login(township_operator)

    response = client.post(reverse("supervision:staff_day_plan"), {
        "region": TOWNSHIP, "unit": township_unit.pk, "date": date, "months": months,
        "starts_at": "09:00", "ends_at": "11:00", "place": "海门街道便民服务中心",
        "officials": "王明", "capacity": "25",
    })

    assert response.status_code == 400
    assert date in response.content.decode()
    assert "2028-03-01" in response.content.decode()
    assert not SupervisionDay.all_objects.exists()


def test_plan_day_within_horizon(township_operator, township_unit):
    assert plan(township_operator, township_unit, date=D(2028, 3, 1)).date == D(2028, 3, 1)


def edit_form(day, **changes) -> dict:
    return {"date": day.date.isoformat(), "starts_at": "09:00", "ends_at": "11:30",
            "place": day.place, "officials": day.officials, "capacity": str(day.capacity),
            "is_public": "on", "version": str(day.version), **changes}


def test_staff_stale_edit_gets_409(client, day, township_operator):
    client.force_login(township_operator)
    stale = edit_form(day, place="社会治理中心")
    supervision_days.update_day(township_operator, day, {"place": "街道会议室"},
                                expected_version=day.version)

    response = client.post(reverse("supervision:staff_day_edit", args=[day.pk]), stale)

    assert response.status_code == 409
    assert "已被他人修改（您的版本 1，当前版本 2）" in response.content.decode()
    assert "海门街道 2026-03-16 监督日" in response.content.decode()
    day.refresh_from_db()
    assert day.place == "街道会议室"
    assert day.version == 2


def test_staff_edit_needs_version(client, day, township_operator):
    client.force_login(township_operator)
    form = edit_form(day, place="社会治理中心")
    del form["version"]

    response = client.post(reverse("supervision:staff_day_edit", args=[day.pk]), form)

    assert response.status_code == 400
    day.refresh_from_db()
    assert day.place == "海门街道信访接待室"


def test_staff_edit_saves_current_version(client, day, township_operator):
    client.force_login(township_operator)

    response = client.post(reverse("supervision:staff_day_edit", args=[day.pk]),
                           edit_form(day, place="社会治理中心"))

    assert response.status_code == 302
    day.refresh_from_db()
    assert day.place == "社会治理中心"


# Page name, HTTP method and the form data posted, for every staff page of one day.
DAY_PAGES = [
    ("supervision:staff_day", "get", None),
    ("supervision:staff_day_edit", "get", None),
    ("supervision:staff_day_edit", "post", {"place": "社会治理中心"}),
    ("supervision:staff_day_cancel", "post", {"reason": "台风预警"}),
    ("supervision:staff_day_held", "post", {}),
    ("supervision:staff_day_registrants", "post", {}),
    ("supervision:staff_matter_new", "get", None),
    ("supervision:staff_matter_new", "post", {"text": "村道塌陷，请求修复。"}),
]


@pytest.mark.parametrize(("name", "method", "data"), DAY_PAGES)
def test_staff_other_county_day_looks_unknown(day, operator_b, name, method, data):
    hidden_url = reverse(name, args=[day.pk])
    missing_url = reverse(name, args=[unknown_id(SupervisionDay)])

    assert_looks_unknown(logged_in(operator_b), method, hidden_url, missing_url, data)


def test_staff_reader_cannot_edit_day(day, inspector_a):
    client = logged_in(inspector_a)

    assert client.get(reverse("supervision:staff_day", args=[day.pk])).status_code == 200
    assert client.get(reverse("supervision:staff_day_edit", args=[day.pk])).status_code == 403


def test_staff_unknown_day_404(client, township_operator):
    client.force_login(township_operator)

    assert client.get(reverse("supervision:staff_day", args=[999])).status_code == 404


def test_staff_cancel_needs_post(client, day, township_operator):
    client.force_login(township_operator)

    assert client.get(reverse("supervision:staff_day_cancel", args=[day.pk])).status_code == 405


def test_staff_cancels_day(client, day, township_operator):
    client.force_login(township_operator)

    client.post(reverse("supervision:staff_day_cancel", args=[day.pk]), {"reason": "台风预警"})

    day.refresh_from_db()
    assert day.state == DayState.CANCELLED
    assert day.cancel_reason == "台风预警"


def test_staff_records_matter_and_sees_secret(client, held_day, township_operator):
    day, registration = held_day
    category = make_category()
    client.force_login(township_operator)

    response = client.post(reverse("supervision:staff_matter_new", args=[day.pk]), {
        "registration": registration.pk, "kind": Kind.REQUEST, "category": category.pk,
        "region": VILLAGE, "text": "村道塌陷，请求修复。", "reporter_name": "赵敏",
        "reporter_phone": "13812345678",
    })

    assert response.status_code == 200
    assert "查询密码" in response.content.decode()
    assert day.matters.count() == 1


def test_staff_reveal_shows_identity(client, held_day, township_operator):
    day, _registration = held_day
    client.force_login(township_operator)

    response = client.post(reverse("supervision:staff_day_registrants", args=[day.pk]))

    assert "13812345678" in response.content.decode()
    assert AuditEntry.objects.filter(action="view_personal").exists()


def test_staff_day_page_hides_identity(client, held_day, township_operator):
    day, _registration = held_day
    client.force_login(township_operator)

    response = client.get(reverse("supervision:staff_day", args=[day.pk]))

    assert response.status_code == 200
    assert "13812345678" not in response.content.decode()
    assert "赵敏" not in response.content.decode()


# Who may read what was received on the day


def test_day_page_hides_report_on_own_unit(client, held_day, township_operator, township_unit,
                                           inspector_a, operator_a):
    day, _registration = held_day
    # A county clerk enters it: the township's own clerk may not enter a report on the township.
    _matter, report, _secret = supervision_days.record_matter(
        operator_a, day, kind=Kind.ACCUSATION, category=make_category("conduct"),
        text="街道办事处主任收受工程红包。", target_unit=township_unit, is_anonymous=True)

    client.force_login(township_operator)
    organiser_page = client.get(reverse("supervision:staff_day", args=[day.pk])).content.decode()
    listing = client.get(reverse("supervision:staff_days")).content.decode()
    client.force_login(inspector_a)
    inspector_page = client.get(reverse("supervision:staff_day", args=[day.pk])).content.decode()

    assert report.tracking_code not in organiser_page
    assert "检举控告" not in organiser_page
    assert report.tracking_code in inspector_page
    assert re.search(r">\s*0\s*<", listing)


def test_registrations_only_for_organiser(client, held_day, operator_a):
    day, registration = held_day
    client.force_login(operator_a)

    page = client.get(reverse("supervision:staff_day", args=[day.pk]))
    reveal = client.post(reverse("supervision:staff_day_registrants", args=[day.pk]))
    matter_form = client.get(reverse("supervision:staff_matter_new", args=[day.pk]))

    assert page.status_code == 200
    assert registration.topic not in page.content.decode()
    assert "1 条预约" in page.content.decode()
    assert reveal.status_code == 403
    assert "赵敏" not in reveal.content.decode()
    assert registration.topic not in matter_form.content.decode()


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.SUPERVISOR])
def test_registrations_need_handling_role(client, held_day, django_user_model, township_unit,
                                          role):
    day, registration = held_day
    user = make_staff(django_user_model, "township_reader", role, township_unit)
    client.force_login(user)

    page = client.get(reverse("supervision:staff_day", args=[day.pk]))
    reveal = client.post(reverse("supervision:staff_day_registrants", args=[day.pk]))

    assert not supervision_days.may_see_registrations(user, day)
    assert page.status_code == 200
    assert registration.topic not in page.content.decode()
    assert reveal.status_code == 403
    assert "13812345678" not in reveal.content.decode()


def test_organiser_reads_registrations(client, held_day, township_operator):
    day, registration = held_day
    client.force_login(township_operator)

    page = client.get(reverse("supervision:staff_day", args=[day.pk]))

    assert registration.topic in page.content.decode()


def test_inspector_reads_registrations(client, held_day, inspector_a):
    day, registration = held_day
    client.force_login(inspector_a)

    page = client.get(reverse("supervision:staff_day", args=[day.pk]))

    assert registration.topic in page.content.decode()
    assert supervision_days.may_see_registrations(inspector_a, day)


def test_inspector_reveals_registrants(client, held_day, inspector_a):
    day, _registration = held_day
    client.force_login(inspector_a)

    response = client.post(reverse("supervision:staff_day_registrants", args=[day.pk]))

    assert response.status_code == 200
    assert "13812345678" in response.content.decode()
    assert AuditEntry.objects.filter(action="view_personal", actor_id=inspector_a.pk).exists()


def test_staff_matter_report_goes_to_commission(client, held_day, township_operator,
                                                township_unit, inspector_a):
    day, _registration = held_day
    client.force_login(township_operator)

    response = client.post(reverse("supervision:staff_matter_new", args=[day.pk]), {
        "kind": Kind.ACCUSATION, "category": make_category("conduct").pk, "region": VILLAGE,
        "person_name": "许宏文", "text": "村主任收受工程红包。", "is_anonymous": "on",
    })

    page = response.content.decode()
    report = day.matters.get().petition
    assert response.status_code == 200
    assert "查询密码" in page
    assert report.target_person is None
    assert report.assigned_unit == inspector_a.assignments.get().unit
    assert "许宏文" in report.text
    assert "打开此件" not in page


@pytest.mark.parametrize("via", ["page", "action"])
def test_matter_accusing_the_clerk_is_rejected(client, held_day, township_operator,
                                               township_unit, via):
    day, _registration = held_day
    fields = {"kind": Kind.ACCUSATION, "category": make_category("conduct"), "region": region(VILLAGE),
              "target_unit": township_unit, "text": "主任收受工程红包。", "is_anonymous": True}

    if via == "page":
        client.force_login(township_operator)
        response = client.post(reverse("supervision:staff_matter_new", args=[day.pk]), {
            **fields, "category": fields["category"].pk, "region": VILLAGE,
            "target_unit": township_unit.pk, "is_anonymous": "on"})
        assert response.status_code == 400
        assert "该检举控告反映的是您本人或您所在单位" in response.content.decode()
    else:
        with pytest.raises(ValidationError) as error:
            supervision_days.record_matter(township_operator, day, **fields)
        assert error.value.code == "accuses_clerk"
    assert not day.matters.exists()
    assert not Petition.all_objects.exists()


def test_staff_matter_rejects_unit_elsewhere(client, held_day, township_operator, unit_b):
    day, _registration = held_day
    client.force_login(township_operator)

    response = client.post(reverse("supervision:staff_matter_new", args=[day.pk]), {
        "kind": Kind.ACCUSATION, "category": make_category("conduct").pk, "region": VILLAGE,
        "target_unit": unit_b.pk, "text": "反映问题。", "is_anonymous": "on",
    })

    assert response.status_code == 400
    assert unit_b.name in response.content.decode()
    assert not day.matters.exists()
