"""Reporter reward points: verification, consent, the append-only ledger and the anonymous list.

Personas: ``inspector_a`` handles reports in 椒江区 through its commission;
``township_operator`` handles requests of 海门街道 and is the accused unit
of ``report``; ``operator_b`` is outside 椒江区; a citizen is the
anonymous ``client``. Time is frozen on Mon 2 Mar 2026.
"""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from sunshine.audit.verify import verify
from sunshine.organisation.models import Assignment, Level, UnitKind
from sunshine.petitions import rewards, tracking
from sunshine.petitions.models import Kind
from sunshine.petitions.models_ops import EntryKind, RewardEntry, RewardReporter
from sunshine.rules.models import Setting
from tests.petition_ops_data import accepted, at, make_category, register, register_with_secret

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at(2026, 3, 2), tick=False)
    return time_machine


@pytest.fixture
def commission(inspector_a):
    return Assignment.objects.get(user=inspector_a).unit


@pytest.fixture
def conduct(db):
    return make_category("conduct", Kind.ACCUSATION, UnitKind.COMMISSION, Level.COUNTY)


@pytest.fixture
def reported(operator_a, conduct, commission, township_unit, inspector_a):
    """A real-name report accusing 海门街道办事处, accepted by the 椒江区 commission."""
    petition, secret = register_with_secret(operator_a, conduct, target_unit=township_unit)
    petition = accepted(petition, inspector_a, commission)
    return petition, secret


@pytest.fixture
def report(reported):
    return reported[0]


def verify_true(inspector, petition, result="true"):
    return rewards.record_verification(inspector, petition, result=result,
                                       note="经初步核实，反映问题属实。")


def test_no_points_without_consent(report, inspector_a):
    verify_true(inspector_a, report)

    assert not RewardEntry.objects.exists()
    assert list(rewards.public_listing()) == []


def test_consent_after_verification_awards_points(report, inspector_a):
    verify_true(inspector_a, report)

    consent = rewards.record_consent(report)

    entry = RewardEntry.objects.get()
    assert consent.recorded_by is None
    assert consent.text_version == rewards.CURRENT_CONSENT_VERSION
    assert entry.kind == EntryKind.AWARD
    assert entry.points == 20
    assert entry.rule == "rewards.points_accusation:true"
    assert entry.rule_version == "default"
    assert entry.reporter.number == "2026-0001"
    assert verify() == []


def test_verification_after_consent_awards_points(report, inspector_a):
    rewards.record_consent(report)

    verify_true(inspector_a, report, "partly_true")

    assert RewardEntry.objects.get().points == 10


def test_untrue_report_earns_nothing(report, inspector_a):
    rewards.record_consent(report)

    verify_true(inspector_a, report, "untrue")

    assert not RewardEntry.objects.exists()


def test_changed_verification_adds_reversal(report, inspector_a):
    rewards.record_consent(report)
    verify_true(inspector_a, report)

    verify_true(inspector_a, report, "untrue")

    kinds = list(RewardEntry.objects.order_by("id").values_list("kind", "points"))
    assert kinds == [(EntryKind.AWARD, 20), (EntryKind.REVERSAL, -20)]
    assert list(rewards.public_listing()) == []
    assert verify() == []


def test_withdrawn_consent_reverses_and_unlists(report, inspector_a):
    rewards.record_consent(report)
    verify_true(inspector_a, report)

    rewards.withdraw_consent(report)

    assert sum(RewardEntry.objects.values_list("points", flat=True)) == 0
    assert list(rewards.public_listing()) == []


def test_withdraw_without_consent(report):
    with pytest.raises(ValidationError) as error:
        rewards.withdraw_consent(report)

    assert error.value.code == "no_consent"


def test_second_consent_returns_first(report):
    first = rewards.record_consent(report)

    assert rewards.record_consent(report) == first


def test_anonymous_report_cannot_consent(operator_a, conduct, township_unit):
    petition = register(operator_a, conduct, is_anonymous=True, target_unit=township_unit)

    with pytest.raises(ValidationError) as error:
        rewards.record_consent(petition)

    assert error.value.code == "anonymous"


def test_unknown_consent_text(report):
    with pytest.raises(ValidationError) as error:
        rewards.record_consent(report, text_version="1999-1")

    assert error.value.code == "unknown_text"


def test_reports_of_one_phone_share_a_number(report, inspector_a, operator_a, conduct,
                                            commission, township_unit, frozen):
    second = accepted(register(operator_a, conduct, phone="13812345678",
                               target_unit=commission.parent or township_unit,
                               text="另一事项：反映报账员虚列补贴。"), inspector_a, commission)
    for petition in (report, second):
        rewards.record_consent(petition)
        verify_true(inspector_a, petition)
    frozen.move_to(at(2026, 4, 1), tick=False)

    listing = list(rewards.public_listing())

    assert RewardReporter.objects.count() == 1
    assert listing == [{"number": "2026-0001", "points": 40, "reports": 2}]


def test_rule_version_from_setting(operator_a, township_operator, frozen):
    Setting.objects.create(key=rewards.POINTS_OTHER, value={"true": 8, "partly_true": 4},
                           effective_from=D(2026, 1, 1), source="县纪委监委奖励办法")
    petition = accepted(register(operator_a, make_category()), township_operator)
    rewards.record_consent(petition)

    rewards.record_verification(township_operator, petition, result="true", note="属实")

    entry = RewardEntry.objects.get()
    assert entry.points == 8
    assert entry.rule == "rewards.points_other:true"
    assert entry.rule_version == "all:2026-01-01"


def test_verification_needs_acceptance(operator_a, conduct, township_unit, inspector_a):
    petition = register(operator_a, conduct, target_unit=township_unit)

    with pytest.raises(ValidationError) as error:
        verify_true(inspector_a, petition)

    assert error.value.code == "not_verifiable"


def test_verification_result_checked(report, inspector_a):
    with pytest.raises(ValidationError) as error:
        verify_true(inspector_a, report, "maybe")

    assert error.value.code == "invalid_result"
    assert "maybe" in " ".join(error.value.messages)


def test_verification_date_not_in_future(report, inspector_a):
    with pytest.raises(ValidationError) as error:
        rewards.record_verification(inspector_a, report, result="true", note="属实",
                                    verified_on=D(2026, 3, 3))

    assert error.value.code == "invalid_verification_date"


def test_accused_unit_cannot_verify(report, township_operator):
    with pytest.raises(PermissionDenied):
        verify_true(township_operator, report)


def test_other_county_cannot_verify(report, operator_b):
    with pytest.raises(PermissionDenied):
        verify_true(operator_b, report)


def test_staff_reversal_is_appended(report, inspector_a):
    rewards.record_consent(report)
    verify_true(inspector_a, report)
    award = RewardEntry.objects.get()

    reversal = rewards.reverse_entry(inspector_a, award, reason="重复计分")

    assert reversal.reverses == award
    assert reversal.points == -20
    assert RewardEntry.objects.count() == 2
    with pytest.raises(ValidationError) as error:
        rewards.reverse_entry(inspector_a, award, reason="再次冲销")
    assert error.value.code == "not_reversible"


def test_reversal_needs_reason(report, inspector_a):
    rewards.record_consent(report)
    verify_true(inspector_a, report)

    with pytest.raises(ValidationError):
        rewards.reverse_entry(inspector_a, RewardEntry.objects.get(), reason=" ")


# Pages


def test_public_list_shows_number_only(client, reported, inspector_a, frozen):
    report, secret = reported
    rewards.record_consent(report)
    verify_true(inspector_a, report)
    frozen.move_to(at(2026, 4, 1), tick=False)

    response = client.get(reverse("supervision:rewards"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "举报人 No.2026-0001" in text
    assert ">20<" in text
    for hidden in ("李四", "13812345678", "138****5678", report.tracking_code,
                   tracking.format_code(report.tracking_code), secret, report.reporter_phone_hash):
        assert hidden not in text
    assert not re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", text)


def test_public_list_changes_only_at_month_start(client, report, inspector_a, frozen):
    rewards.record_consent(report)
    verify_true(inspector_a, report)

    same_month = list(rewards.public_listing())
    page = client.get(reverse("supervision:rewards")).content.decode()
    frozen.move_to(at(2026, 4, 1), tick=False)
    next_month = list(rewards.public_listing())

    assert same_month == []
    assert "截至 2026-03-01 零时" in page
    assert next_month == [{"number": "2026-0001", "points": 20, "reports": 1}]


def test_reversal_shows_at_the_next_month(report, inspector_a, frozen):
    rewards.record_consent(report)
    verify_true(inspector_a, report)
    frozen.move_to(at(2026, 4, 1, 9), tick=False)
    award = RewardEntry.objects.get(kind=EntryKind.AWARD)

    rewards.reverse_entry(inspector_a, award, reason="核实结论有误")

    assert list(rewards.public_listing()) == [{"number": "2026-0001", "points": 20, "reports": 1}]
    frozen.move_to(at(2026, 5, 1), tick=False)
    assert list(rewards.public_listing()) == []


def test_public_list_selects_no_identity():
    assert set(rewards.public_listing().query.values_select) == {"number"}
    assert set(rewards.public_listing().query.annotation_select) == {"points", "reports"}


def test_consent_page_with_tracking_code(client, reported, inspector_a):
    report, secret = reported
    verify_true(inspector_a, report)

    response = client.post(reverse("supervision:consent"), {
        "code": tracking.format_code(report.tracking_code), "secret": secret,
        "choice": "give", "agree": "on"})

    assert response.status_code == 200
    assert "已记录" in response.content.decode()
    assert report.reward_consents.get().recorded_by is None
    assert RewardEntry.objects.get().points == 20
    assert "您在榜单上的编号是 No.2026-0001。" in response.content.decode()


def test_consent_page_before_points_explains_the_number(client, reported):
    report, secret = reported

    response = client.post(reverse("supervision:consent"), {
        "code": report.tracking_code, "secret": secret, "choice": "give", "agree": "on"})

    assert response.status_code == 200
    assert "首次获得积分时即分配编号" in response.content.decode()
    assert "No.2026" not in response.content.decode()


def test_consent_page_needs_agreement(client, reported):
    report, secret = reported

    response = client.post(reverse("supervision:consent"), {
        "code": report.tracking_code, "secret": secret, "choice": "give"})

    assert response.status_code == 400
    assert not report.reward_consents.exists()


def test_consent_page_wrong_secret(client, reported):
    report, _secret = reported

    response = client.post(reverse("supervision:consent"), {
        "code": report.tracking_code, "secret": "WRONGWRONG", "choice": "give", "agree": "on"})

    assert response.status_code == 400
    assert "查询码或密码不正确" in response.content.decode()
    assert not report.reward_consents.exists()


def test_consent_page_withdraws(client, reported, inspector_a):
    report, secret = reported
    rewards.record_consent(report)
    verify_true(inspector_a, report)

    response = client.post(reverse("supervision:consent"), {
        "code": report.tracking_code, "secret": secret, "choice": "withdraw"})

    assert response.status_code == 200
    assert report.reward_consents.get().withdrawn_at is not None
    assert list(rewards.public_listing()) == []


def test_staff_verification_page(client, report, inspector_a):
    client.force_login(inspector_a)
    url = reverse("supervision:staff_verification", args=[report.pk])

    response = client.post(url, {"result": "true", "note": "属实", "verified_on": "2026-03-02",
                                 "seen": "0"})

    assert response.status_code == 302
    assert report.verifications.get().result == "true"
    assert "没有同意记录" in client.get(url).content.decode()


def test_stale_verification_page_gets_409(client, report, inspector_a):
    client.force_login(inspector_a)
    url = reverse("supervision:staff_verification", args=[report.pk])
    page = client.get(url)
    seen = page.context["form"]["seen"].value()
    first = client.post(url, {"result": "partly_true", "note": "部分属实",
                              "verified_on": "2026-03-02", "seen": seen})

    stale = client.post(url, {"result": "untrue", "note": "不属实", "verified_on": "2026-03-02",
                              "seen": seen})
    again = client.post(url, {"result": "untrue", "note": "不属实", "verified_on": "2026-03-02",
                              "seen": stale.context["form"]["seen"].value()})

    assert first.status_code == 302
    assert stale.status_code == 409
    assert "部分属实" in stale.content.decode()
    assert again.status_code == 302
    assert [v.result for v in report.verifications.order_by("id")] == ["partly_true", "untrue"]


def test_staff_verification_page_bad_date(client, report, inspector_a):
    client.force_login(inspector_a)
    url = reverse("supervision:staff_verification", args=[report.pk])

    response = client.post(url, {"result": "true", "note": "属实", "verified_on": "2026-12-31",
                                 "seen": "0"})

    assert response.status_code == 400
    assert not report.verifications.exists()


def test_staff_verification_page_hidden_from_accused(client, report, township_operator):
    client.force_login(township_operator)

    response = client.get(reverse("supervision:staff_verification", args=[report.pk]))

    assert response.status_code == 404


def test_staff_verification_page_other_county(client, report, operator_b):
    client.force_login(operator_b)

    response = client.get(reverse("supervision:staff_verification", args=[report.pk]))

    assert response.status_code == 404


def test_staff_records_written_consent(client, report, inspector_a):
    client.force_login(inspector_a)

    client.post(reverse("supervision:staff_consent", args=[report.pk]), {"choice": "give"})

    assert report.reward_consents.get().recorded_by == inspector_a


def test_staff_rewards_page_lists_visible_entries(client, report, inspector_a,
                                                  township_operator):
    rewards.record_consent(report)
    verify_true(inspector_a, report)
    client.force_login(inspector_a)
    listed = client.get(reverse("supervision:staff_rewards")).content.decode()
    client.force_login(township_operator)
    hidden = client.get(reverse("supervision:staff_rewards")).content.decode()

    assert report.tracking_code in listed
    assert report.tracking_code not in hidden


def test_staff_pages_leave_out_the_anonymous_number(client, report, inspector_a):
    rewards.record_consent(report)
    verify_true(inspector_a, report)
    number = report.reward_entries.get().reporter.number
    client.force_login(inspector_a)

    listing = client.get(reverse("supervision:staff_rewards")).content.decode()
    detail = client.get(reverse("supervision:staff_verification", args=[report.pk]))

    assert report.tracking_code in listing
    assert number not in listing
    assert number not in detail.content.decode()


def test_staff_reverse_page(client, report, inspector_a, township_operator):
    rewards.record_consent(report)
    verify_true(inspector_a, report)
    award = RewardEntry.objects.get()
    client.force_login(township_operator)

    assert client.post(reverse("supervision:staff_reverse", args=[award.pk]),
                       {"reason": "错误"}).status_code == 404
    client.force_login(inspector_a)
    response = client.post(reverse("supervision:staff_reverse", args=[award.pk]),
                           {"reason": "重复计分"})

    assert response.status_code == 302
    assert RewardEntry.objects.filter(kind=EntryKind.REVERSAL).count() == 1

