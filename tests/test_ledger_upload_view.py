"""The staff ledger pages: upload, job progress, template and export downloads.

Personas from conftest: ``operator_a`` may change 椒江区 (331002),
``operator_b`` 黄岩区 (331003); ``inspector_a`` reads 椒江区 and changes
nothing; the anonymous ``client`` is a citizen.

The tests run each job inside the upload request
(``SUNSHINE_LEDGER_IMPORT_IN_THREAD = False``): a background thread opens
its own database connection, which cannot see the rows of a test's
uncommitted transaction.
"""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sunshine.funds import actions
from sunshine.funds.models import Disbursement, Project
from sunshine.funds.models_ledger import ImportJob, ImportStatus
from tests.conftest import region
from tests.ledger_workbooks import payment, project, write_workbook

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def jobs_in_request(settings):
    settings.SUNSHINE_LEDGER_IMPORT_IN_THREAD = False


@pytest.fixture
def ledger_bytes(tmp_path, unit_a) -> bytes:
    path = write_workbook(tmp_path / "ledger.xlsx", projects=[project()], payments=[payment()])
    return path.read_bytes()


def upload(client, content: bytes, name: str = "台账.xlsx", **extra):
    return client.post(reverse("funds:ledger_upload"),
                       {"file": SimpleUploadedFile(name, content)}, **extra)


def logged_in(client, user):
    client.force_login(user)
    return client


def test_home_requires_login(client):
    response = client.get(reverse("funds:ledger"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_upload_requires_login(client, ledger_bytes):
    response = upload(client, ledger_bytes)

    assert response.status_code == 302
    assert ImportJob.objects.count() == 0


def test_user_without_role_gets_403(client, django_user_model):
    user = django_user_model.objects.create_user(username="citizen", password="x-Pass-9271")

    response = logged_in(client, user).get(reverse("funds:ledger"))

    assert response.status_code == 403


def test_home_renders_in_chinese(client, operator_a):
    response = logged_in(client, operator_a).get(reverse("funds:ledger"))

    assert response.status_code == 200
    assert "项目台账（Excel）" in response.content.decode()
    assert "检查并导入" in response.content.decode()


def test_inspector_may_not_upload(client, inspector_a, ledger_bytes):
    logged_in(client, inspector_a)

    page = client.get(reverse("funds:ledger"))
    response = upload(client, ledger_bytes)

    assert page.status_code == 200
    assert "检查并导入" not in page.content.decode()
    assert response.status_code == 403
    assert Project.all_objects.count() == 0


@pytest.mark.parametrize(("method", "name", "args"), [
    ("get", "funds:ledger_upload", ()),
    ("post", "funds:ledger", ()),
    ("post", "funds:ledger_template", ()),
    ("post", "funds:ledger_export", ()),
    ("post", "funds:ledger_job", (1,)),
    ("post", "funds:ledger_job_progress", (1,)),
])
def test_wrong_method_gets_405(client, operator_a, method, name, args):
    response = getattr(logged_in(client, operator_a), method)(reverse(name, args=args))

    assert response.status_code == 405


def test_it_imports_an_upload(client, operator_a, ledger_bytes):
    response = upload(logged_in(client, operator_a), ledger_bytes)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("funds:ledger_job", args=[job.pk])
    assert job.status == ImportStatus.SUCCEEDED
    assert job.file_name == "台账.xlsx"
    assert job.upload_path == ""
    assert Project.all_objects.get().code == "JJ-2024-001"
    assert Disbursement.objects.get().amount == Decimal("120000.55")

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "项目：新建 1 个，更新 0 个，未变 0 个。" in page.content.decode()


def test_progress_endpoint_reports_a_finished_job(client, operator_a, ledger_bytes):
    upload(logged_in(client, operator_a), ledger_bytes)
    job = ImportJob.objects.get()

    data = client.get(reverse("funds:ledger_job_progress", args=[job.pk])).json()

    assert data == {"status": "succeeded", "status_label": "已导入", "finished": True,
                    "done": 2, "total": 2, "message": "已导入"}


def test_progress_endpoint_reports_rows_checked(client, operator_a):
    job = ImportJob.objects.create(user=operator_a, file_name="大台账.xlsx", language="zh-hans",
                                   status=ImportStatus.RUNNING, done_rows=5000,
                                   total_rows=100000)

    response = logged_in(client, operator_a).get(
        reverse("funds:ledger_job_progress", args=[job.pk]))

    assert response.status_code == 200
    assert response.json() == {"status": "running", "status_label": "正在检查和导入",
                               "finished": False, "done": 5000, "total": 100000,
                               "message": "已检查 5000 / 100000 行。"}


def test_running_job_page_polls_the_progress_endpoint(client, operator_a):
    job = ImportJob.objects.create(user=operator_a, file_name="大台账.xlsx", language="zh-hans",
                                   status=ImportStatus.RUNNING, done_rows=100000,
                                   total_rows=100000)

    page = logged_in(client, operator_a).get(reverse("funds:ledger_job", args=[job.pk]))

    content = page.content.decode()
    assert f'data-url="{reverse("funds:ledger_job_progress", args=[job.pk])}"' in content
    assert ('<progress id="ledger-progress-bar" max="100000" value="100000" '
            'aria-labelledby="ledger-progress-text">') in content
    assert "全部 100000 行已检查完毕，正在写入数据库。" in content


def test_rejected_upload_lists_the_problems(client, operator_a, tmp_path, unit_a):
    path = write_workbook(tmp_path / "bad.xlsx", projects=[project(状态="进行中")])

    response = upload(logged_in(client, operator_a), path.read_bytes())

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert job.problems == [{"sheet": "项目", "row": 2, "column": "状态", "value": "进行中",
                             "reason": "“进行中”不是允许的取值，只能填：未开工、在建、已完工、停工、已取消"}]
    page = client.get(response["Location"]).content.decode()
    assert "已拒绝：未导入任何数据" in page
    assert "<td>项目</td><td>2</td><td>状态</td>" in page
    assert Project.all_objects.count() == 0


def test_problems_follow_the_users_language(client, operator_a, tmp_path, unit_a):
    path = write_workbook(tmp_path / "bad.xlsx", projects=[project(状态="进行中")])

    upload(logged_in(client, operator_a), path.read_bytes(), HTTP_ACCEPT_LANGUAGE="en")

    reason = ImportJob.objects.get().problems[0]["reason"]
    assert reason == "“进行中” is not one of the allowed values: 未开工、在建、已完工、停工、已取消"


def test_out_of_scope_project_is_rejected(client, operator_b, ledger_bytes):
    upload(logged_in(client, operator_b), ledger_bytes)

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert job.problems[0]["column"] == "区划代码"
    assert job.problems[0]["reason"].startswith("您无权新增或修改海门街道（331002001）的项目")
    assert Project.all_objects.count() == 0


@pytest.mark.parametrize(("content", "message"), [
    (b"project,name\n", "不是 Excel .xlsx 工作簿"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "是旧版 Excel 97-2003（.xls）文件"),
    (b"", "所选文件是空的；请选择填好的台账工作簿。"),
])
def test_it_rejects_files_that_are_not_xlsx(client, operator_a, content, message):
    response = upload(logged_in(client, operator_a), content)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_it_asks_for_a_file(client, operator_a):
    response = logged_in(client, operator_a).post(reverse("funds:ledger_upload"))

    assert response.status_code == 400
    assert "请选择要上传的 .xlsx 文件。" in response.content.decode()


def test_it_rejects_zip_without_workbook(client, operator_a):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as output:
        output.writestr("word/document.xml", "<w:document/>")

    response = upload(logged_in(client, operator_a), archive.getvalue(), name="报告.xlsx")

    assert response.status_code == 400
    assert "“报告.xlsx”不是 Excel .xlsx 工作簿" in response.content.decode()


def test_it_rejects_a_workbook_that_unpacks_too_large(client, operator_a, settings):
    settings.SUNSHINE_MAX_UPLOAD_BYTES = 100_000
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as output:
        output.writestr("xl/workbook.xml", "<workbook/>")
        output.writestr("xl/sharedStrings.xml", "A" * 2_000_000)

    response = upload(logged_in(client, operator_a), archive.getvalue(), name="台账.xlsx")

    assert len(archive.getvalue()) < settings.SUNSHINE_MAX_UPLOAD_BYTES
    assert response.status_code == 400
    assert "解压后为 1.9\xa0MB，超过工作簿允许的 976.6\xa0KB" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_it_rejects_a_file_over_the_limit(client, operator_a, ledger_bytes, settings):
    settings.SUNSHINE_MAX_UPLOAD_BYTES = len(ledger_bytes) - 1

    response = upload(logged_in(client, operator_a), ledger_bytes)

    assert response.status_code == 400
    assert "文件超过" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_it_rejects_a_large_body_before_reading_it(client, operator_a, settings):
    settings.SUNSHINE_MAX_UPLOAD_BYTES = 1000

    response = upload(logged_in(client, operator_a), b"PK\x03\x04" + b"\0" * 200_000)

    assert response.status_code == 400
    assert "文件超过 1000\xa0字节" in response.content.decode()


def test_upload_checks_the_csrf_token(operator_a, ledger_bytes):
    client = Client(enforce_csrf_checks=True)

    response = upload(logged_in(client, operator_a), ledger_bytes)

    assert response.status_code == 403
    assert ImportJob.objects.count() == 0


def test_another_users_job_is_not_found(client, operator_a, operator_b):
    job = ImportJob.objects.create(user=operator_a, file_name="a.xlsx", language="zh-hans")
    logged_in(client, operator_b)

    assert client.get(reverse("funds:ledger_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("funds:ledger_job_progress", args=[job.pk])).status_code == 404


def test_unknown_job_is_not_found(client, operator_a):
    response = logged_in(client, operator_a).get(reverse("funds:ledger_job", args=[999]))

    assert response.status_code == 404


def test_template_download(client, inspector_a):
    response = logged_in(client, inspector_a).get(reverse("funds:ledger_template"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["项目", "资金到位", "资金支付", "说明"]


@pytest.fixture
def two_projects(unit_a, unit_b):
    actions.create_project(None, code="JJ-2024-001", name="海门街道道路改造",
                           region=region("331002001"), owner_unit=unit_a)
    actions.create_project(None, code="HY-2024-001", name="北城街道排水改造",
                           region=region("331003004"), owner_unit=unit_b)


def exported_codes(response) -> list[str]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [row[0].value for row in workbook["项目"].iter_rows(min_row=2)]


def test_export_download_is_scoped(client, operator_b, two_projects):
    response = logged_in(client, operator_b).get(reverse("funds:ledger_export"))

    assert response.status_code == 200
    assert exported_codes(response) == ["HY-2024-001"]


def test_export_download_of_one_region(client, operator_a, two_projects):
    response = logged_in(client, operator_a).get(reverse("funds:ledger_export"),
                                                 {"region": "331002001"})

    assert exported_codes(response) == ["JJ-2024-001"]


def test_export_of_a_region_outside_scope_gets_403(client, operator_b, two_projects):
    response = logged_in(client, operator_b).get(reverse("funds:ledger_export"),
                                                 {"region": "331002"})

    assert response.status_code == 403


def test_export_of_an_unknown_region_gets_404(client, operator_a):
    response = logged_in(client, operator_a).get(reverse("funds:ledger_export"),
                                                 {"region": "999999"})

    assert response.status_code == 404


@pytest.fixture
def other_currency_projects(two_projects):
    """Two projects in 椒江区 (331002) and one in 黄岩区 (331003) kept in other currencies."""
    for code, currency, place in (("ocds-ua-1", "UAH", "331002"), ("ocds-tw-1", "TWD", "331002"),
                                  ("ocds-us-1", "USD", "331003")):
        actions.create_project(None, code=code, name=code, region=region(place),
                               currency=currency)


def test_home_counts_projects_left_out_of_export(client, operator_a, other_currency_projects):
    page = logged_in(client, operator_a).get(reverse("funds:ledger")).content.decode()

    assert "您可查看的项目中有 2 个以人民币以外的币种记账（TWD, UAH）" in page
    assert "导出时不包含这些项目" in page
    assert f'href="{reverse("funds:project_export")}"' in page


def test_home_counts_left_out_in_english(client, operator_b, other_currency_projects):
    page = logged_in(client, operator_b).get(reverse("funds:ledger"),
                                             HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert ("1 of the projects you may read is kept in another currency than yuan (USD). "
            "The ledger holds amounts in yuan only, so an export leaves it out") in page


def test_home_without_other_currencies_has_no_note(client, operator_a, two_projects):
    page = logged_in(client, operator_a).get(reverse("funds:ledger")).content.decode()

    assert 'id="ledger-other-currencies"' not in page
