"""`sunshine demo`: a deterministic, audited, believable Taizhou data set."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import F
from django.utils import translation
from stdnum.cn import ric, uscc

from sunshine.audit.verify import verify
from sunshine.demo import codes
from sunshine.demo.organisation import DEMO_PASSWORD
from sunshine.funds.models import (
    Allocation,
    AssetDisposal,
    Contract,
    Disbursement,
    Project,
    ProjectStatus,
    Source,
    Supplier,
)
from sunshine.lib.crypto import sm3_hex
from sunshine.lib.identifiers import normalize_credit_code, normalize_id_number
from sunshine.organisation.models import Assignment, Person, Region, Role, Unit
from sunshine.organisation.scoping import scope_for
from sunshine.rules.values import get_setting
from tests.portal_data import build_projects

pytestmark = pytest.mark.django_db

# Contracting processes in the bundled OCDS samples (sunshine/funds/data/ocds/README.md).
OCDS_PROCESSES = 132


def run_demo(*args: str) -> str:
    output = io.StringIO()
    with translation.override("zh-hans"):
        call_command("demo", "--size", "small", *args, stdout=output)
    return output.getvalue()


@pytest.fixture
def demo():
    return run_demo("--seed", "7")


def data_digest() -> str:
    """Digest every generated row by its natural keys, so primary keys do not matter."""
    demo_projects = Project.all_objects.filter(source=Source.DEMO)
    parts = [
        list(demo_projects.values_list(
            "code", "name", "category", "region_id", "owner_unit__name",
            "responsible_person__name", "budget", "planned_start", "planned_end", "status",
            "progress", "is_public", "allocated_total", "arrived_total", "paid_total",
            "description").order_by("code")),
        list(Allocation.objects.filter(project__source=Source.DEMO).values_list(
            "project__code", "source", "approved_amount", "approved_on", "arrived_amount",
            "arrived_on", "document_no").order_by("project__code", "approved_on", "source")),
        list(Disbursement.objects.filter(project__source=Source.DEMO).values_list(
            "project__code", "paid_on", "amount", "payee_name", "payee_is_person",
            "payee_credit_code", "purpose", "voucher_no", "exceeds_arrived").order_by(
            "project__code", "paid_on", "amount", "purpose", "payee_name", "voucher_no")),
        list(Contract.objects.filter(project__source=Source.DEMO).values_list(
            "external_id", "supplier__credit_code", "amount", "signed_on").order_by("external_id")),
        list(Supplier.objects.exclude(credit_code=None).values_list(
            "credit_code", "name", "legal_representative", "address", "phone").order_by(
            "credit_code")),
        list(Person.objects.values_list(
            "unit__region_id", "unit__name", "post", "name", "phone", "id_number_hash").order_by(
            "unit__region_id", "unit__name", "post")),
        list(AssetDisposal.objects.values_list(
            "region_id", "asset_name", "method", "appraised_amount", "price", "buyer_name",
            "decided_on", "disclosed_on").order_by("region_id", "decided_on", "asset_name",
                                                   "price", "buyer_name")),
        sorted(get_user_model().objects.values_list("username", flat=True)),
    ]
    return sm3_hex(json.dumps(parts, default=str, ensure_ascii=False).encode())


def digest_of_run(seed: str) -> tuple[str, int]:
    """Build the demo inside a savepoint, digest it, and roll it back."""
    with transaction.atomic():
        run_demo("--seed", seed)
        result = data_digest(), Project.all_objects.filter(source=Source.DEMO).count()
        transaction.set_rollback(True)
    return result


def test_it_is_deterministic_for_a_seed():
    first, count = digest_of_run("7")
    second, _ = digest_of_run("7")
    other, _ = digest_of_run("8")

    assert count == 60
    assert first == second
    assert first != other


def test_generated_identifiers_validate(demo):
    numbers = [person.reveal_id_number() for person in Person.objects.all()]
    credit_codes = list(Supplier.objects.exclude(credit_code=None).filter(
        country="中国").values_list("credit_code", flat=True))
    credit_codes += list(AssetDisposal.objects.exclude(buyer_credit_code="").values_list(
        "buyer_credit_code", flat=True))
    credit_codes += list(Disbursement.objects.exclude(payee_credit_code="").values_list(
        "payee_credit_code", flat=True))
    address_codes = {code for history in codes.ADDRESS_CODES.values() for _year, code in history}

    assert len(numbers) > 500
    for number in numbers:
        assert normalize_id_number(number) == number
        # stdnum also checks that the address code existed in the birth year.
        assert ric.is_valid(number), number
        assert number[:6] in address_codes
    assert len(credit_codes) > 100
    for code in credit_codes:
        assert normalize_credit_code(code) == code
        assert uscc.is_valid(code), code
        assert code[2:8] in codes.ADDRESS_CODES


def test_check_characters_match_published_examples():
    assert codes.id_check_character("11010519491231002") == "X"
    assert codes.id_check_character("36042619910101007") == "1"
    assert codes.credit_check_character("91110000600037341") == "L"


def test_it_creates_problem_cases(demo):
    projects = Project.all_objects.filter(source=Source.DEMO)
    threshold = get_setting("funds.low_arrival_rate")
    under_funded = [p for p in projects if p.allocated_total
                    and p.arrived_total / p.allocated_total < threshold]
    payments = Disbursement.objects.filter(origin=Source.DEMO)
    to_people = payments.filter(payee_is_person=True)
    allowed = datetime.timedelta(days=get_setting("assets.disclosure_days"))
    disposals = AssetDisposal.objects.all()
    late = [d for d in disposals if d.disclosed_on and d.disclosed_on - d.decided_on > allowed]

    assert projects.overdue().exists()
    assert under_funded
    assert projects.overspent().exists()
    assert payments.filter(exceeds_arrived=True).exists()
    assert projects.filter(is_public=False).exists()
    assert projects.filter(is_public=True).count() > projects.count() / 2
    assert to_people.exists()
    assert to_people.count() < payments.count() / 4
    assert not to_people.exclude(payee_credit_code="").exists()
    assert not payments.filter(payee_is_person=False, supplier=None).exists()
    assert disposals.count() >= 3
    assert late or disposals.filter(disclosed_on=None).exists()


def test_generated_data_is_consistent(demo):
    projects = Project.all_objects.filter(source=Source.DEMO)
    first, last = datetime.date(2023, 1, 1), datetime.date(2026, 12, 31)
    dated = [
        (projects, ("planned_start", "planned_end")),
        (Allocation.objects.filter(origin=Source.DEMO), ("approved_on", "arrived_on")),
        (Disbursement.objects.filter(origin=Source.DEMO), ("paid_on",)),
        (AssetDisposal.objects.all(), ("decided_on", "disclosed_on")),
    ]
    amounts = list(Disbursement.objects.filter(origin=Source.DEMO).values_list(
        "amount", flat=True))

    assert not projects.filter(status=ProjectStatus.COMPLETED).exclude(progress=100).exists()
    for status in (ProjectStatus.PLANNED, ProjectStatus.CANCELLED):
        assert not projects.filter(status=status).exclude(progress=0).exists()
    assert not projects.filter(status=ProjectStatus.IN_PROGRESS,
                               progress__in=[0, 100]).exists()
    assert not projects.filter(status=ProjectStatus.CANCELLED, paid_total__gt=0).exists()
    for queryset, fields in dated:
        for field in fields:
            assert not queryset.filter(**{f"{field}__lt": first}).exists(), field
            assert not queryset.filter(**{f"{field}__gt": last}).exists(), field
    assert not projects.filter(planned_end__lt=F("planned_start")).exists()
    assert all(isinstance(amount, Decimal) and amount > 0 for amount in amounts)
    assert any(amount % 1 for amount in amounts)


def test_it_imports_ocds_samples_under_an_intact_audit_chain(demo):
    imported = Project.all_objects.filter(source=Source.OCDS)

    assert imported.count() == OCDS_PROCESSES
    assert Disbursement.objects.filter(origin=Source.OCDS).exists()
    assert verify() == []
    call_command("verify_audit", stdout=io.StringIO())


def test_it_creates_units_and_accounts(demo):
    townships = Region.objects.filter(level="township").current()
    counties = Region.objects.filter(level="county").current()
    users = get_user_model().objects
    admin = users.get(username="admin")

    assert Unit.objects.filter(region__in=townships, kind="government").count() == \
        townships.count()
    for suffix in ("人民政府", "财政局", "农业农村局", "交通运输局", "纪委监委"):
        assert Unit.objects.filter(region__in=counties, name__endswith=suffix).count() == \
            counties.count(), suffix
    assert Unit.objects.filter(kind="village_committee").exists()
    assert admin.is_superuser
    assert admin.check_password(DEMO_PASSWORD)
    assert Assignment.objects.filter(user=admin, role=Role.ADMINISTRATOR,
                                     unit__region_id="331000").exists()
    assert scope_for(users.get(username="jiaojiang")).region_paths == ("331000/331002/",)
    assert scope_for(users.get(username="haimen")).region_paths == \
        ("331000/331002/331002001/",)
    assert Assignment.objects.filter(user__username="inspector", role=Role.INSPECTOR).exists()
    assert Assignment.objects.filter(user__username="leader", role=Role.LEADER).exists()
    for text in ("admin", "jiaojiang", "haimen", "inspector", "leader", DEMO_PASSWORD,
                 "/staff/", "/dashboard/", "/admin/", "/api/v1/docs", "监督指挥中心"):
        assert text in demo, text


def test_if_empty_skips_and_a_plain_rerun_is_rejected(demo):
    count = Project.all_objects.count()

    output = run_demo("--seed", "9", "--if-empty")

    assert "不再重复创建" in output
    assert Project.all_objects.count() == count
    for text in ("admin", "jiaojiang", "haimen", "inspector", "leader", DEMO_PASSWORD,
                 "op331002002", "/api/v1/docs"):
        assert text in output, text
    with pytest.raises(CommandError, match="台州市人民政府"):
        run_demo("--seed", "9")


def test_it_rejects_a_project_count_below_one():
    with pytest.raises(CommandError, match="0"):
        call_command("demo", "--projects", "0", stdout=io.StringIO())


def test_project_count_sets_the_size():
    call_command("demo", "--projects", "25", "--seed", "3", stdout=io.StringIO())

    assert Project.all_objects.filter(source=Source.DEMO).count() == 25


def test_it_loads_regions_when_missing():
    # Foreign keys are checked at commit, which this test never reaches.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM organisation_region")

    run_demo("--seed", "5")

    assert Region.objects.filter(code="331002001").exists()
    assert Project.all_objects.filter(source=Source.DEMO).count() == 60


def test_demo_builds_on_later_day(time_machine):
    # The actions accept only recent quarters and today's date, so the
    # assessment part follows the day the demo runs, not AS_OF.
    time_machine.move_to(datetime.datetime(2027, 8, 20, 10, tzinfo=datetime.UTC), tick=False)

    call_command("demo", "--size", "small", stdout=io.StringIO())
    call_command("verify_audit", stdout=io.StringIO())

    from sunshine.assessment.models import Evaluation, Survey
    assert Evaluation.objects.filter(quarter="2027Q3").exists()
    assert Survey.objects.filter(quarter="2027Q3").exists()


def test_if_empty_prints_no_accounts_without_demo_users(operator_a, unit_a, unit_b):
    build_projects(operator_a, unit_a, unit_b)

    output = run_demo("--if-empty")

    assert "不再重复创建" in output
    assert DEMO_PASSWORD not in output


@pytest.mark.parametrize("value", ["2026-02-30", "tomorrow"])
def test_invalid_today_names_value_and_format(value):
    with pytest.raises(CommandError) as raised:
        run_demo("--today", value)

    assert f"“{value}”" in str(raised.value)
    assert "YYYY-MM-DD" in str(raised.value)
    assert "无效" in str(raised.value)
