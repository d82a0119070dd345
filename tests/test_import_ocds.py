"""The import_ocds command and ``import_files``: real samples, every input shape, rejection.

Expected counts come from reading the sample files (see the README beside them).
Suppliers are the distinct organisations in the roles tenderer, supplier or
payee, plus the bidders.
- Mexico: 10 processes, 20 awards, 20 contracts, 24 transactions, 37 suppliers.
- Ukraine: 11 processes, 12 bids, 13 awards, 10 contracts, 17 suppliers.
- Armenia: 100 processes, 27 tenders, 36 bids, 21 awards, 21 contracts,
  30 suppliers, 4 negative budgets.
- Taiwan: 11 award notices with 30 distinct tenderers.
"""

import datetime
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum
from django.utils import translation

from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.funds import actions
from sunshine.funds.models import (
    Award,
    Bid,
    Contract,
    Disbursement,
    Procurement,
    Project,
    ProjectStatus,
    Source,
    Supplier,
)
from sunshine.funds.ocds.errors import OcdsImportError
from sunshine.funds.ocds.importer import import_files
from sunshine.lib.money import MAX_YUAN
from sunshine.portal.disclosure import timeline_page
from tests.conftest import region

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parent.parent / "sunshine" / "funds" / "data" / "ocds"
MEXICO = SAMPLES / "mexico-jalisco.record-packages.jsonl"
MEXICO_COMPILED = SAMPLES / "mexico-jalisco.compiled.jsonl"
UKRAINE = SAMPLES / "ukraine-prozorro.records.jsonl"
UKRAINE_COMPILED = SAMPLES / "ukraine-prozorro.compiled.jsonl"
ARMENIA = SAMPLES / "armenia-armeps.release-package.json"
ARMENIA_COMPILED = SAMPLES / "armenia-armeps.compiled.jsonl"
TAIWAN = SAMPLES / "taiwan-pcc-2014.releases.jsonl"
ALL_SAMPLES = sorted(SAMPLES.glob("*.json*"))


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_ocds", *args, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, name: str, data) -> str:
    path = tmp_path / name
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return str(path)


def release(ocid: str = "ocds-test-1", **parts) -> dict:
    return {"ocid": ocid, "id": f"{ocid}-1", "date": "2020-01-01T00:00:00Z", "tag": ["tender"],
            **parts}


def counts() -> dict[str, int]:
    return {model.__name__: model._base_manager.count()
            for model in (Project, Supplier, Procurement, Bid, Award, Contract, Disbursement)}


def test_it_imports_mexico_with_payments():
    report = import_files(None, [MEXICO])

    assert counts() == {"Project": 10, "Supplier": 37, "Procurement": 10, "Bid": 0, "Award": 20,
                        "Contract": 20, "Disbursement": 24}
    assert report.rows["disbursement"].created == 24
    assert set(Disbursement.objects.values_list("currency", flat=True)) == {"MXN"}
    assert set(Contract.objects.values_list("currency", flat=True)) == {"MXN"}
    assert set(Project.all_objects.values_list("currency", flat=True)) == {"MXN"}


def test_it_keeps_mexico_payment_details():
    import_files(None, [MEXICO])

    payment = Disbursement.objects.get(external_id="1636241-206308072")
    assert payment.amount == Decimal("53799.86")
    assert payment.paid_on == datetime.date(2017, 6, 14)
    assert payment.payee_name == "ORGANIZACION PAPELERA OMEGA S.A. DE C.V."
    assert payment.payee_is_person is False
    assert payment.origin == Source.OCDS
    assert payment.supplier.name == "ORGANIZACION PAPELERA OMEGA S.A. DE C.V."
    assert payment.purpose == "ARTICULOS  Y MATERIALES DE ESCRITORIO"


def test_it_refreshes_project_totals():
    import_files(None, [MEXICO])

    for project in Project.all_objects.all():
        paid = project.disbursements.aggregate(total=Sum("amount"))["total"] or Decimal(0)
        assert project.paid_total == paid
    assert Project.all_objects.filter(paid_total__gt=0).count() == 10


def test_it_keeps_payments_dated_before_signature():
    import_files(None, [MEXICO])

    early = {
        (payment.project.code, payment.external_id)
        for payment in Disbursement.objects.select_related("project")
        for contract in payment.project.contracts.filter(supplier=payment.supplier)
        if payment.paid_on < contract.signed_on
    }
    assert early == {
        ("ocds-xs1qbl-SFIN-03-0001-00-2017", "1627976-144650002"),
        ("ocds-xs1qbl-SFIN-03-0013-00-2017", "1636543-326373072"),
        ("ocds-xs1qbl-SFIN-03-0016-00-2017", "1671892-1671892"),
        ("ocds-xs1qbl-SFIN-03-0016-00-2017", "1691068-1691068"),
    }


def test_it_imports_ukraine_records():
    import_files(None, [UKRAINE])

    assert counts() == {"Project": 11, "Supplier": 17, "Procurement": 11, "Bid": 12, "Award": 13,
                        "Contract": 10, "Disbursement": 0}
    assert set(Award.objects.values_list("currency", flat=True)) == {"UAH"}
    assert Procurement.objects.filter(number_of_tenderers__isnull=False).count() == 5


def test_it_imports_armenia_release_package():
    report = import_files(None, [ARMENIA])

    assert counts() == {"Project": 100, "Supplier": 30, "Procurement": 27, "Bid": 36, "Award": 21,
                        "Contract": 21, "Disbursement": 0}
    assert Bid.objects.filter(status="qualified").count() == 33
    assert Bid.objects.filter(status="not-qualified").count() == 3
    assert Bid.objects.exclude(amount=None).count() == 32
    assert set(Bid.objects.values_list("currency", flat=True)) == {"AMD"}
    assert report.unmapped["budget_income"] == 4
    assert Procurement.objects.filter(method="direct").count() == 19


def test_it_keeps_taiwan_chinese_names():
    import_files(None, [TAIWAN])

    assert counts()["Project"] == 11
    assert counts()["Supplier"] == 30
    assert counts()["Award"] == 11
    project = Project.all_objects.get(code="ocid-6as3t2-51180009")
    assert project.name == "機油濾蕊"
    assert project.currency == "TWD"
    procurement = project.procurements.get()
    assert procurement.buyer_name == "台灣中油股份有限公司探採事業部"
    assert procurement.method_details == "限制性招標(經公開評選或公開徵求)"
    assert procurement.tender_start == datetime.date(2014, 1, 7)
    assert procurement.tender_end == datetime.date(2014, 1, 14)
    assert Supplier.objects.filter(name="中華機械股份有限公司", identifier="80634097").exists()


def test_it_imports_every_sample_and_audit_verifies(city_admin):
    report = import_files(city_admin, ALL_SAMPLES)

    assert report.processes == 132
    assert report.projects.created == 132
    assert verify() == []
    call_command("verify_audit", stdout=StringIO())
    assert set(AuditEntry.objects.filter(action="import").values_list("actor_id", flat=True)) == {
        city_admin.pk}


def test_reimport_changes_nothing():
    import_files(None, ALL_SAMPLES)
    entries = AuditEntry.objects.count()
    before = counts()

    report = import_files(None, ALL_SAMPLES)

    assert AuditEntry.objects.count() == entries
    assert counts() == before
    assert report.changed is False
    assert report.projects.unchanged == 132


def test_other_format_of_same_data_changes_nothing():
    import_files(None, [MEXICO, UKRAINE, ARMENIA])
    entries = AuditEntry.objects.count()

    import_files(None, [MEXICO_COMPILED, UKRAINE_COMPILED, ARMENIA_COMPILED])

    assert AuditEntry.objects.count() == entries


def test_it_reads_every_input_shape(tmp_path):
    package = json.loads(ARMENIA.read_text(encoding="utf-8"))
    first_record = json.loads(UKRAINE.read_text(encoding="utf-8").splitlines()[0])
    record_package = MEXICO.read_text(encoding="utf-8").splitlines()[0]
    files = [
        write(tmp_path, "single-release.json", package["releases"][0]),
        write(tmp_path, "array.json", package["releases"][1:3]),
        write(tmp_path, "package.json", {**package, "releases": package["releases"][3:5]}),
        write(tmp_path, "lines.jsonl", "\n".join(json.dumps(r) for r in package["releases"][5:8])),
        write(tmp_path, "single-record.json", first_record),
        write(tmp_path, "record-package.json", record_package),
    ]

    report = import_files(None, files)

    assert report.processes == 10
    assert Project.all_objects.count() == 10
    assert Project.all_objects.filter(code=first_record["compiledRelease"]["ocid"]).exists()
    assert Project.all_objects.filter(code="ocds-xs1qbl-02-0070-00-2017").exists()


def test_it_merges_releases_of_one_process(tmp_path):
    tender = release(tender={"title": "路面修补", "value": {"amount": 1000, "currency": "CNY"}})
    award = release(date="2020-02-01T00:00:00Z", tag=["award"],
                    tender={"title": "村道路面修补"},
                    awards=[{"id": "a1", "value": {"amount": 900, "currency": "CNY"},
                             "suppliers": [{"name": "台州某建设有限公司"}]}])
    later = release(date="2020-03-01T00:00:00Z", awards=[{"id": "a1", "status": "active"}])
    first = write(tmp_path, "one.json", {"releases": [award, tender]})
    second = write(tmp_path, "two.json", later)

    report = import_files(None, [first, second])

    assert report.processes == 1
    project = Project.all_objects.get()
    assert project.name == "村道路面修补"
    award_row = Award.objects.get()
    assert (award_row.amount, award_row.status) == (Decimal("900.00"), "active")
    assert [s.name for s in award_row.suppliers.all()] == ["台州某建设有限公司"]
    assert project.procurements.get().value == Decimal("1000.00")


def test_updated_release_updates_rows_through_audit(tmp_path):
    contract = {"id": "c1", "title": "路灯", "value": {"amount": 500, "currency": "CNY"},
                "status": "active"}
    path = write(tmp_path, "v1.json", release(contracts=[contract]))
    import_files(None, [path])
    entries = AuditEntry.objects.count()

    changed = {**contract, "value": {"amount": 650, "currency": "CNY"}}
    write(tmp_path, "v1.json", release(date="2020-05-01T00:00:00Z", contracts=[changed]))
    report = import_files(None, [path])

    row = Contract.objects.get()
    assert row.amount == Decimal("650.00")
    assert row.version == 2
    assert report.rows["contract"].updated == 1
    entry = AuditEntry.objects.get(pk=row.audit_entry_id)
    assert entry.action == "update"
    assert entry.changes["rows"][str(row.pk)]["amount"] == ["500.00", "650.00"]
    assert AuditEntry.objects.count() == entries + 1
    assert verify() == []


def test_it_maps_values_in_many_forms(tmp_path):
    data = release(
        planning={"budget": {"project": "应急物资", "amount": 1000}},
        tender={"value": {"amount": "1,234.50", "currency": "cny"}, "numberOfTenderers": "3",
                "procurementMethod": "Selective",
                "tenderPeriod": {"startDate": "2017-04-16", "endDate": "2017-04-16T23:30:00-05:00"}},
    )

    import_files(None, [write(tmp_path, "forms.json", data)])

    project = Project.all_objects.get()
    assert (project.name, project.budget, project.currency) == ("应急物资", Decimal("1000.00"), "CNY")
    procurement = project.procurements.get()
    assert procurement.value == Decimal("1234.50")
    assert procurement.number_of_tenderers == 3
    assert procurement.method == "selective"
    assert procurement.tender_start == datetime.date(2017, 4, 16)
    assert procurement.tender_end == datetime.date(2017, 4, 17)


def test_it_imports_ocds_1_0_transactions(tmp_path):
    transaction = {"id": "t1", "date": "2015-03-01T00:00:00Z",
                   "amount": {"amount": 120, "currency": "USD"},
                   "receiverOrganization": {"scheme": "GB-COH", "id": "123", "legalName": "Acme Ltd"}}
    data = release(contracts=[{"id": "c1", "implementation": {"transactions": [transaction]}}])

    import_files(None, [write(tmp_path, "v10.json", data)])

    payment = Disbursement.objects.get()
    assert (payment.amount, payment.currency, payment.payee_name) == (Decimal("120.00"), "USD", "Acme Ltd")
    assert payment.supplier.identifier == "123"


def test_it_counts_what_it_cannot_map(tmp_path):
    data = release(
        tender={"documents": [{"id": "d1"}, {"id": "d2"}], "items": [{"id": "i1"}],
                "milestones": [{"id": "m1"}], "amendments": [{"id": "x"}]},
        contracts=[{"id": "c1", "implementation": {"transactions": [
            {"id": "t1", "date": "2020-01-01", "payee": {"name": "甲公司"}},
            {"id": "t2", "value": {"amount": 5, "currency": "CNY"}, "payee": {"name": "甲公司"}},
        ]}}],
    )

    report = import_files(None, [write(tmp_path, "unmapped.json", data)])

    assert report.unmapped["documents"] == 2
    assert report.unmapped["items"] == 1
    assert report.unmapped["milestones"] == 1
    assert report.unmapped["amendments"] == 1
    assert report.unmapped["transaction_without_amount"] == 1
    assert report.unmapped["transaction_without_date"] == 1
    assert Disbursement.objects.count() == 0


def test_command_reports_counts_in_chinese():
    output = run(str(MEXICO))

    assert "项目：新增 10，更新 0，未变 0" in output
    assert "资金支付：新增 24，更新 0，未变 0" in output
    assert "未导入的内容：" in output
    assert "附件文档（documents）：52" in output


def test_command_reports_in_english_on_request():
    output = run(str(TAIWAN), "--language", "en")

    assert "11 releases, 11 contracting processes" in output
    assert "items (no item-level records are kept): 22" in output


def test_command_puts_projects_in_given_region():
    run(str(TAIWAN), "--region", "331002")

    assert set(Project.all_objects.values_list("region_id", flat=True)) == {"331002"}


def test_projects_default_to_city_and_public():
    run(str(TAIWAN))

    assert set(Project.all_objects.values_list("region_id", flat=True)) == {"331000"}
    assert Project.public_objects.count() == 11


def test_command_imports_private_projects():
    run(str(TAIWAN), "--private")

    assert Project.public_objects.count() == 0
    assert Project.all_objects.count() == 11


def test_reimport_keeps_region_chosen_by_staff():
    run(str(TAIWAN))
    Project.all_objects.filter(code="ocid-6as3t2-51180009").update(region=region("331003"))
    entries = AuditEntry.objects.count()

    run(str(TAIWAN))

    assert Project.all_objects.get(code="ocid-6as3t2-51180009").region_id == "331003"
    assert AuditEntry.objects.count() == entries


def test_command_rejects_unknown_region():
    with pytest.raises(CommandError, match="999999"):
        run(str(TAIWAN), "--region", "999999")

    assert Project.all_objects.count() == 0


@pytest.mark.parametrize(("name", "content", "expected_zh", "expected_en"), [
    ("malformed.json", '{"releases": [\n{"ocid": "a",,}\n]}', "不是合法的 JSON", "invalid JSON"),
    ("other.json", {"rows": [{"code": "A-1"}]}, "这不是 OCDS 数据", "not OCDS data"),
    ("negative.json", release(contracts=[{"id": "c", "value": {"amount": -250, "currency": "CNY"}}]),
     "金额“-250”为负数", "amount “-250” is negative"),
    ("text.json", release(tender={"value": {"amount": "十万", "currency": "CNY"}}),
     "金额“十万”不是数字", "amount “十万” is not a number"),
    ("date.json", release(awards=[{"id": "a", "date": "2019-02-29"}]),
     "日期“2019-02-29”不是有效日期", "date “2019-02-29” is not a valid date"),
])
def test_command_rejects_bad_file_and_writes_nothing(tmp_path, name, content, expected_zh,
                                                    expected_en):
    good = str(TAIWAN)
    bad = write(tmp_path, name, content)
    entries = AuditEntry.objects.count()

    with pytest.raises(CommandError) as chinese:
        run(good, bad)
    with pytest.raises(CommandError) as english:
        run(good, bad, "--language", "en")

    assert expected_zh in str(chinese.value)
    assert name in str(chinese.value)
    assert "未写入任何数据" in str(chinese.value)
    assert expected_en in str(english.value)
    assert Project.all_objects.count() == 0
    assert AuditEntry.objects.count() == entries


def test_error_names_line_and_path_in_json_lines(tmp_path):
    lines = [json.dumps(release("a")),
             json.dumps(release("b", tender={"value": {"amount": -1, "currency": "CNY"}}))]
    path = write(tmp_path, "lines.jsonl", "\n".join(lines))

    with translation.override("en"), pytest.raises(OcdsImportError) as error:
        import_files(None, [path])

    assert error.value.problems == [
        f"{path}, line 2, tender.value.amount: amount “-1” is negative; amounts must be zero or "
        "more, correct it in the source file"
    ]


def test_it_rejects_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="nowhere.json"):
        run(str(tmp_path / "nowhere.json"))


def test_it_validates_chinese_credit_codes(tmp_path):
    valid = release(awards=[{"id": "a", "suppliers": [
        {"name": "某公司", "identifier": {"scheme": "CN-USCC", "id": "91110000600037341l"}}]}])
    import_files(None, [write(tmp_path, "valid.json", valid)])
    assert Supplier.objects.get().credit_code == "91110000600037341L"

    invalid = release("ocds-test-2", awards=[{"id": "a", "suppliers": [
        {"name": "另一公司", "identifier": {"scheme": "CN-USCC", "id": "91110000600037341X"}}]}])
    with pytest.raises(OcdsImportError) as error:
        import_files(None, [write(tmp_path, "invalid.json", invalid)])
    assert "91110000600037341X" in error.value.problems[0]
    assert "awards[0].suppliers[0].identifier.id" in error.value.problems[0]


def test_it_refuses_to_overwrite_project_entered_by_staff(operator_a, tmp_path):
    actions.create_project(operator_a, code="ocds-test-1", name="手工项目", region=region("331002"))

    with pytest.raises(OcdsImportError, match="ocds-test-1"):
        import_files(None, [write(tmp_path, "clash.json", release())])

    assert Project.all_objects.get().name == "手工项目"


def test_library_accepts_region_and_privacy(tmp_path):
    report = import_files(None, [write(tmp_path, "one.json", release())], region="331002001",
                          public=False)

    project = Project.all_objects.get()
    assert (project.region_id, project.is_public, project.source) == ("331002001", False, "ocds")
    assert project.status == ProjectStatus.PLANNED
    assert report.projects.created == 1


def test_reimport_moves_projects_to_given_region():
    run(str(TAIWAN))

    run(str(TAIWAN), "--region", "331002", "--private")

    assert set(Project.all_objects.values_list("region_id", "is_public", "version")) == {
        ("331002", False, 2)}
    assert verify() == []


def test_updated_award_suppliers_relink(tmp_path):
    def award_release(supplier: dict, date: str) -> dict:
        return release(date=date, awards=[{"id": "a1", "suppliers": [supplier]}])

    first = {"name": "甲建设公司", "identifier": {"scheme": "XX-TEST", "id": "1"}}
    second = {"name": "乙建设公司", "identifier": {"scheme": "XX-TEST", "id": "2"}}
    path = write(tmp_path, "award.json", award_release(first, "2020-01-01T00:00:00Z"))
    import_files(None, [path])

    write(tmp_path, "award.json", award_release(second, "2020-02-01T00:00:00Z"))
    report = import_files(None, [path])

    award = Award.objects.get()
    assert [s.name for s in award.suppliers.all()] == ["乙建设公司"]
    assert award.version == 2
    assert report.rows["award"].updated == 1
    links = AuditEntry.objects.filter(object_type="funds.award_suppliers").last()
    assert len(links.changes["added"]) == 1
    assert len(links.changes["removed"]) == 1
    assert verify() == []


def payee_release(ocid: str, payee: dict, **parts) -> dict:
    transaction = {"id": "t1", "date": "2021-06-01", "value": {"amount": 80, "currency": "CNY"},
                   "payee": payee}
    return release(ocid, contracts=[{"id": "c1", "implementation": {"transactions": [transaction]}}],
                   **parts)


def test_name_only_payee_is_private(tmp_path):
    data = payee_release("ocds-test-1", {"name": "张三"})

    import_files(None, [write(tmp_path, "payee.json", data)])

    payment = Disbursement.objects.get()
    assert payment.payee_name == "张三"
    assert payment.supplier is None
    assert payment.payee_is_person is True
    assert payment.is_private_payee is True
    assert not Supplier.objects.exists()
    [entry] = timeline_page(payment.project).entries
    assert (entry.payee_hidden, entry.party) == (True, "")


def test_name_only_payees_stay_apart(tmp_path):
    import_files(None, [write(tmp_path, "one.json", payee_release("ocds-test-1", {"name": "张三"}))])
    import_files(None, [write(tmp_path, "two.json", payee_release("ocds-test-2", {"name": "张三"}))])

    payments = Disbursement.objects.order_by("project__code")
    assert [p.project.code for p in payments] == ["ocds-test-1", "ocds-test-2"]
    assert {(p.supplier_id, p.payee_is_person) for p in payments} == {(None, True)}
    assert not Supplier.objects.exists()


def test_name_only_payee_party_skipped(tmp_path):
    parties = [{"id": "p1", "name": "张三", "roles": ["payee"]}]
    data = payee_release("ocds-test-1", {"id": "p1", "name": "张三"}, parties=parties)

    import_files(None, [write(tmp_path, "party.json", data)])

    assert Disbursement.objects.get().is_private_payee is True
    assert not Supplier.objects.exists()


def test_identified_payee_becomes_supplier(tmp_path):
    payee = {"name": "台州某设备有限公司",
             "identifier": {"scheme": "CN-USCC", "id": "91110000600037341L"}}

    import_files(None, [write(tmp_path, "payee.json", payee_release("ocds-test-1", payee))])

    payment = Disbursement.objects.get()
    assert payment.supplier.credit_code == "91110000600037341L"
    assert payment.payee_credit_code == "91110000600037341L"
    assert payment.payee_is_person is False
    assert payment.is_private_payee is False
    [entry] = timeline_page(payment.project).entries
    assert entry.party_label == "台州某设备有限公司"


def test_command_records_given_user(city_admin):
    run(str(TAIWAN), "--user", "city_admin")

    actors = set(AuditEntry.objects.filter(action="import").values_list("actor_label", flat=True))
    assert actors == {"city_admin"}


def test_command_rejects_unknown_user():
    with pytest.raises(CommandError, match="nobody"):
        run(str(TAIWAN), "--user", "nobody")

    assert Project.all_objects.count() == 0


def test_it_rejects_a_huge_exponent_amount(tmp_path):
    release = {"ocid": "ocds-test-huge", "id": "1", "date": "2024-01-01T00:00:00Z",
               "tag": ["tender"], "tender": {"id": "t", "value": {"amount": 1e30,
                                                                 "currency": "CNY"}}}
    path = tmp_path / "huge.json"
    path.write_text(json.dumps({"releases": [release]}), encoding="utf-8")

    with pytest.raises(OcdsImportError) as caught:
        import_files(None, [path])

    assert "1E+30" in str(caught.value) or "1e+30" in str(caught.value)
    assert not Project.all_objects.exists()


def test_it_rejects_deeply_nested_json(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"releases": [' + "[" * 100_000 + "]" * 100_000 + "]}", encoding="utf-8")

    with pytest.raises(OcdsImportError, match="deep.json"):
        import_files(None, [path])


def payment_release(*amounts, ocid: str = "ocds-test-1") -> dict:
    transactions = [{"id": f"t{number}", "date": "2021-06-01",
                     "value": {"amount": amount, "currency": "CNY"},
                     "payee": {"name": "台州某设备有限公司"}}
                    for number, amount in enumerate(amounts, start=1)]
    return release(ocid, contracts=[{"id": "c1", "implementation": {"transactions": transactions}}])


@pytest.mark.parametrize("amount", [1e15, 1000000000000.01, "1e999999999999999999"])
def test_it_rejects_amounts_over_the_limit(tmp_path, amount):
    path = write(tmp_path, "big.json", payment_release(amount))

    with pytest.raises(OcdsImportError) as caught:
        import_files(None, [path])

    message = str(caught.value)
    assert "contracts[0].implementation.transactions[0].value.amount" in message
    assert "1,000,000,000,000" in message
    assert not Project.all_objects.exists()


def test_it_accepts_an_amount_at_the_limit(tmp_path):
    import_files(None, [write(tmp_path, "limit.json", payment_release(1e12))])

    assert Disbursement.objects.get().amount == Decimal("1000000000000.00")


def test_it_rejects_budgets_adding_up_over_the_limit(tmp_path):
    planning = [{"budget": {"amount": {"amount": 6e11, "currency": "CNY"}}} for _ in range(2)]
    path = write(tmp_path, "budgets.json", release(planning=planning))

    with pytest.raises(OcdsImportError, match="1,200,000,000,000.00"):
        import_files(None, [path])

    assert not Project.all_objects.exists()


def test_it_rejects_a_project_total_past_the_column(tmp_path):
    import_files(None, [write(tmp_path, "first.json", payment_release(100))])
    project = Project.all_objects.get()
    # Rows as large as these predate the amount limit; none of today's entry paths accepts them.
    Disbursement.objects.bulk_create([
        Disbursement(project=project, paid_on=datetime.date(2021, 5, 1), amount=MAX_YUAN // 2,
                     payee_name="台州某设备有限公司", origin=Source.LEDGER)
        for _ in range(2)
    ])
    before = counts()

    with pytest.raises(OcdsImportError, match="ocds-test-1"):
        import_files(None, [write(tmp_path, "second.json", payment_release(100, 200))])

    assert counts() == before


@pytest.mark.parametrize("ocid", ["ocds-test/../JJ-2023-0001", "ocds-test-9\x00x", "..",
                                  "ocds test"])
def test_it_rejects_ocid_breaking_url(tmp_path, ocid):
    path = write(tmp_path, "ocid.json", {"releases": [payment_release(100, ocid=ocid)]})

    with pytest.raises(OcdsImportError) as caught:
        import_files(None, [path])

    message = str(caught.value)
    assert "releases[0].ocid" in message
    assert f"项目编号“{ocid}”含有不能用于网址的字符" in message
    assert not Project.all_objects.exists()


def test_it_updates_stored_project_with_slashed_ocid(tmp_path):
    actions.create_project(None, code="ocds-test/1", name="旧项目", region=region("331002"),
                           source=Source.OCDS)

    import_files(None, [write(tmp_path, "old.json", payment_release(100, ocid="ocds-test/1"))])

    assert Disbursement.objects.get().project.code == "ocds-test/1"


def currency_release(*payments: tuple[int, str]) -> dict:
    """Return a process kept in CNY with one payment per (amount, currency), all on one day."""
    transactions = [{"id": f"t{number}", "date": "2021-06-01",
                     "value": {"amount": amount, "currency": currency},
                     "payee": {"name": "台州某设备有限公司"}}
                    for number, (amount, currency) in enumerate(payments, start=1)]
    return release(tender={"value": {"amount": 1000, "currency": "CNY"}},
                   contracts=[{"id": "c1", "implementation": {"transactions": transactions}}])


@pytest.fixture
def funded_project(tmp_path) -> Project:
    """An OCDS project in CNY with 100 yuan arrived and a 50 yuan payment entered by staff."""
    import_files(None, [write(tmp_path, "first.json", currency_release())])
    project = Project.all_objects.get()
    actions.add_allocation(None, project, source="county", approved_amount=Decimal(100),
                           arrived_amount=Decimal(100))
    actions.add_disbursement(None, project, paid_on=datetime.date(2021, 5, 1),
                             amount=Decimal(50), payee_name="张三", payee_is_person=True)
    return project


def ocds_payment_flags() -> dict[str, bool]:
    payments = Disbursement.objects.filter(origin=Source.OCDS)
    return dict(payments.values_list("external_id", "exceeds_arrived"))


def test_staff_payment_counts_toward_arrived(tmp_path, funded_project):
    import_files(None, [write(tmp_path, "second.json", currency_release((80, "CNY")))])

    assert ocds_payment_flags() == {"t1": True}


def test_staff_payment_in_other_currency_left_out(tmp_path, funded_project):
    # Rows stored before the funds actions checked currencies can be in another one.
    Disbursement.objects.update(currency="USD")

    import_files(None, [write(tmp_path, "second.json", currency_release((80, "CNY")))])

    assert ocds_payment_flags() == {"t1": False}


def test_ocds_payment_in_other_currency_left_out(tmp_path, funded_project):
    data = currency_release((500, "USD"), (40, "CNY"))

    import_files(None, [write(tmp_path, "second.json", data)])

    assert Project.all_objects.get().currency == "CNY"
    assert ocds_payment_flags() == {"t1": False, "t2": False}
