"""Registering petitions: validation, encrypted reporter, repeats and closed matters (art. 36)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import translation

from sunshine.audit.actions import create_row
from sunshine.audit.verify import verify
from sunshine.lib import crypto
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Level, UnitKind
from sunshine.petitions import actions, tracking
from sunshine.petitions.models import Category, Channel, EventAction, Kind, Outcome, Petition
from tests.conftest import region

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
PHONE = "13812345678"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), tick=False)
    return time_machine


def make_category(code: str) -> Category:
    with transaction.atomic():
        return create_row(None, Category(code=code, name=code, route_unit_kind=UnitKind.GOVERNMENT,
                                         route_level=Level.TOWNSHIP))


@pytest.fixture
def category(db):
    return make_category("roads")


def submit(category, **extra):
    fields = {"kind": Kind.REQUEST, "category": category, "channel": Channel.MOBILE,
              "region": region("331002001003"), "text": "路灯不亮", "reporter_name": "李四",
              "reporter_phone": PHONE}
    fields.update(extra)
    return actions.register(None, **fields)


def raw_row(petition: Petition) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM petitions_petition WHERE id = %s", [petition.pk])
        return repr(cursor.fetchone())


def test_reporter_stored_encrypted(category):
    petition, secret = submit(category, reporter_phone="138-1234-5678")

    row = raw_row(petition)
    assert "李四" not in row
    assert PHONE not in row
    assert secret not in row
    assert petition.reporter_phone_hash == crypto.keyed_hash(PHONE)
    assert petition.decrypt_reporter() == {"name": "李四", "phone": PHONE}


def test_ciphertext_bound_to_its_petition(category):
    first, _ = submit(category)
    second, _ = submit(category, is_anonymous=True, reporter_name="", reporter_phone="")

    second.reporter_name_encrypted = first.reporter_name_encrypted
    with pytest.raises(crypto.DecryptionError):
        second.decrypt_reporter()


def test_petition_has_no_id_number_field():
    names = {f.name for f in Petition._meta.get_fields()}

    assert not [n for n in names if "id_number" in n]


def test_anonymous_petition_rejects_identity(category):
    with pytest.raises(ValidationError) as error:
        submit(category, is_anonymous=True)

    assert error.value.code == "anonymous_with_identity"


def test_anonymous_petition_stores_nothing(category):
    petition, _ = submit(category, is_anonymous=True, reporter_name="", reporter_phone="")

    assert petition.reporter_name_encrypted == ""
    assert petition.reporter_phone_hash == ""
    assert petition.is_real_name is False


def test_named_petition_needs_name(category):
    with pytest.raises(ValidationError) as error:
        submit(category, reporter_name=" ")

    assert error.value.code == "name_missing"


def test_invalid_phone_named(category):
    with pytest.raises(ValidationError) as error:
        submit(category, reporter_phone="12ab")

    assert error.value.code == "invalid_phone"
    assert "12ab" in error.value.messages[0]


def test_phone_error_in_chinese(category):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        submit(category, reporter_phone="12ab")

    assert "电话号码“12ab”无效" in error.value.messages[0]


def test_country_code_removed():
    assert actions.normalize_phone("+86 138 1234 5678") == PHONE
    assert actions.normalize_phone("0576-88123456") == "057688123456"


def test_text_required(category):
    with pytest.raises(ValidationError) as error:
        submit(category, text="  ")

    assert error.value.code == "required"


def test_future_receipt_rejected(category):
    with pytest.raises(ValidationError) as error:
        submit(category, received_on=datetime.date(2026, 3, 3))

    assert error.value.code == "received_in_future"


def test_letter_counts_from_its_receipt(category, operator_a):
    petition, _ = actions.register(
        operator_a, kind=Kind.REQUEST, category=category, channel=Channel.LETTER,
        region=region("331002001"), text="来信反映", reporter_name="王五",
        received_on=datetime.date(2026, 2, 13),
    )

    assert petition.received_on == datetime.date(2026, 2, 13)
    assert petition.due_on == datetime.date(2026, 2, 28)
    assert petition.events.get(action=EventAction.REGISTER).on == datetime.date(2026, 2, 13)


def test_repeat_linked_to_first(category):
    first, _ = submit(category)
    second, _ = submit(category, text="路灯还是不亮")
    third, _ = submit(category, text="第三次反映")

    assert second.repeat_of == first
    assert third.repeat_of == first
    event = second.events.get(action=EventAction.LINK_REPEAT)
    assert event.reason == first.tracking_code
    assert event.is_public is False


def test_other_category_not_a_repeat(category):
    submit(category)
    other, _ = submit(make_category("water"))

    assert other.repeat_of is None


def test_other_reporter_not_a_repeat(category):
    submit(category)
    other, _ = submit(category, reporter_phone="13900000000")

    assert other.repeat_of is None


def test_other_target_not_a_repeat(category, unit_a):
    submit(category)
    other, _ = submit(category, target_unit=unit_a)

    assert other.repeat_of is None


def test_other_further_persons_not_a_repeat(category, unit_a):
    secretary = org_actions.create_person(None, name="孙八", unit=unit_a, post="书记")
    director = org_actions.create_person(None, name="周九", unit=unit_a, post="主任")
    first, _ = submit(category, kind=Kind.ACCUSATION, target_person=secretary)
    wider, _ = submit(category, kind=Kind.ACCUSATION, target_person=secretary,
                      further_persons=[director])
    again, _ = submit(category, kind=Kind.ACCUSATION, target_person=secretary,
                      further_persons=[director, secretary], text="再次举报")

    assert wider.repeat_of is None
    assert again.repeat_of == wider
    assert [p.name for p in again.persons_concerned] == ["孙八", "周九"]
    assert verify() == []


def test_request_not_linked_to_report(category, unit_a):
    submit(category, kind=Kind.ACCUSATION, target_unit=unit_a)
    request, _ = submit(category, target_unit=unit_a)

    assert request.repeat_of is None
    assert not request.events.filter(action=EventAction.LINK_REPEAT).exists()


def test_report_not_linked_to_request(category, unit_a):
    submit(category, target_unit=unit_a)
    report, _ = submit(category, kind=Kind.ACCUSATION, target_unit=unit_a)

    assert report.repeat_of is None


def test_report_linked_to_earlier_report(category, unit_a):
    first, _ = submit(category, kind=Kind.ACCUSATION, target_unit=unit_a)
    second, _ = submit(category, kind=Kind.ACCUSATION, target_unit=unit_a, text="再次举报")

    assert second.repeat_of == first


def test_repeat_window_ends(category, operator_a, frozen, township_unit):
    first, _ = submit(category)
    actions.not_accept(operator_a, first, reason="重复")

    frozen.move_to(datetime.datetime(2026, 6, 5, 10, tzinfo=SHANGHAI), tick=False)
    later, _ = submit(category)

    assert later.repeat_of is None


def test_open_petition_links_after_window(category, frozen):
    first, _ = submit(category)

    frozen.move_to(datetime.datetime(2026, 9, 1, 10, tzinfo=SHANGHAI), tick=False)
    later, _ = submit(category)

    assert later.repeat_of == first


def close_after_re_review(petition, operator_a, township_operator, city_admin):
    petition = actions.assign(None, petition)
    actions.accept(township_operator, petition)
    actions.reply(township_operator, petition, text="答复", outcome=Outcome.REJECT)
    actions.request_review(petition, reason="不服")
    actions.decide_review(operator_a, petition, text="维持", outcome=Outcome.REJECT)
    actions.request_re_review(petition, reason="不服")
    # 椒江区 has no unit above it here, so a city-wide administrator gives the re-review opinion.
    actions.decide_re_review(city_admin, petition, text="维持", outcome=Outcome.REJECT)
    petition.refresh_from_db()
    return petition


def test_matter_closed_after_re_review_refused(category, operator_a, township_operator,
                                               city_admin):
    first, _ = submit(category)
    first = close_after_re_review(first, operator_a, township_operator, city_admin)
    assert first.is_final is True
    count = Petition.all_objects.count()

    with pytest.raises(ValidationError) as error:
        submit(category, text="同一事项再次反映")

    assert error.value.code == "resubmission_refused"
    assert "2026-03-02" in error.value.messages[0]
    assert "第三十六条" in error.value.messages[0]
    assert Petition.all_objects.count() == count


def test_other_matter_after_re_review_accepted(category, operator_a, township_operator,
                                               city_admin):
    first, _ = submit(category)
    close_after_re_review(first, operator_a, township_operator, city_admin)

    other, _ = submit(make_category("water"))

    assert other.pk is not None


def test_report_after_final_request_accepted(category, operator_a, township_operator,
                                             city_admin):
    first, _ = submit(category)
    close_after_re_review(first, operator_a, township_operator, city_admin)

    report, _ = submit(category, kind=Kind.ACCUSATION, text="举报办理人员")

    assert report.pk is not None
    assert report.repeat_of is None


def test_review_of_final_matter_names_its_closure(category, operator_a, township_operator,
                                                  city_admin):
    first, _ = submit(category)
    first = close_after_re_review(first, operator_a, township_operator, city_admin)

    with pytest.raises(ValidationError) as error:
        actions.request_re_review(first, reason="还是不服")

    assert error.value.code == "closed_for_good"
    assert "经复核终结" in error.value.messages[0]
    assert "2026-03-02" in error.value.messages[0]
    assert tracking.format_code(first.tracking_code) in error.value.messages[0]


def test_registration_is_audited(category):
    submit(category)
    submit(category, is_anonymous=True, reporter_name="", reporter_phone="")

    assert verify() == []
