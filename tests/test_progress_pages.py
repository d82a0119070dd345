"""Progress report pages: submit with evidence, approval queue, approve, return and downloads."""

import pytest
from django.test import Client
from django.urls import reverse

from sunshine.audit.verify import verify
from sunshine.duties import actions
from sunshine.duties.models import Evidence, ProgressReport, ReportStatus, Task
from tests.duties_data import (
    EXE,
    JPEG,
    NOW,
    PDF,
    TODAY,
    download,
    make_directive,
    make_leader,
    make_task,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path, time_machine):
    settings.MEDIA_ROOT = tmp_path
    time_machine.move_to(NOW, tick=False)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def leader_a(django_user_model, unit_a):
    return make_leader(django_user_model, unit_a)


@pytest.fixture
def task(operator_a, unit_a):
    return make_task(operator_a, make_directive(operator_a, unit_a), "1")


@pytest.fixture
def report(operator_a, task):
    return actions.submit_report(operator_a, task, percent=40, text="完成清运", as_of=TODAY,
                                 files=[upload("现场.jpg", JPEG)])


def form(percent="50", **extra) -> dict:
    data = {"percent": percent, "as_of": TODAY.isoformat(), "text": "完成主体工程", "reason": ""}
    data.update(extra)
    return data


def test_submit_with_evidence(operator_a, task):
    url = reverse("duties:report_create", args=[task.pk])
    client = logged_in(operator_a)
    assert client.get(url).status_code == 200

    response = client.post(url, {**form(), "evidence": [upload("验收单.pdf", PDF),
                                                       upload("现场.jpg", JPEG)]})

    report = ProgressReport.objects.get(task=task)
    assert response.status_code == 302
    assert response["Location"] == reverse("duties:report_detail", args=[report.pk])
    assert report.evidence.count() == 2
    assert verify() == []


@pytest.mark.parametrize(("data", "text"), [
    (form(percent="120"), "0 到 100"),
    (form(percent="abc"), "abc"),
    (form(text=""), "完成情况"),
    (form(as_of="2026-03-17"), "晚于今天"),
    (form(as_of="2025-12-01"), "已锁定"),
])
def test_submit_rejects_bad_input_with_400(operator_a, task, data, text):
    response = logged_in(operator_a).post(reverse("duties:report_create", args=[task.pk]), data)

    assert response.status_code == 400
    assert text in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_submit_rejects_a_disguised_file(operator_a, task):
    url = reverse("duties:report_create", args=[task.pk])

    response = logged_in(operator_a).post(url, {**form(), "evidence": [upload("photo.jpg", EXE)]})

    html = response.content.decode()
    assert response.status_code == 400
    assert "photo.jpg" in html
    assert "Windows 可执行程序" in html
    assert not Evidence.objects.exists()


def test_submit_in_english(operator_a, task):
    url = reverse("duties:report_create", args=[task.pk])

    response = logged_in(operator_a).post(url, form(percent="150"), HTTP_ACCEPT_LANGUAGE="en")

    assert "enter a percentage from 0 to 100" in response.content.decode()


def test_submit_by_another_county_is_404(operator_b, task):
    url = reverse("duties:report_create", args=[task.pk])

    assert logged_in(operator_b).post(url, form()).status_code == 404


def test_submit_needs_write_roles(inspector_a, task):
    url = reverse("duties:report_create", args=[task.pk])

    assert logged_in(inspector_a).get(url).status_code == 403


def test_submit_on_unknown_task_is_404(operator_a):
    url = reverse("duties:report_create", args=[999])

    assert logged_in(operator_a).get(url).status_code == 404


def test_submit_rejects_put(operator_a, task):
    url = reverse("duties:report_create", args=[task.pk])

    assert logged_in(operator_a).put(url).status_code == 405


def test_leader_sees_the_queue_and_approves(leader_a, report, task):
    queue = logged_in(leader_a).get(reverse("duties:report_list"))
    assert list(queue.context["to_decide"]) == [report]

    detail = logged_in(leader_a).get(reverse("duties:report_detail", args=[report.pk]))
    assert detail.context["may_decide"]
    response = logged_in(leader_a).post(reverse("duties:report_approve", args=[report.pk]))

    assert response.status_code == 302
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.APPROVED
    assert str(Task.objects.get(pk=task.pk).progress) == "40.00"


def test_maker_cannot_approve_by_the_page(operator_a, report):
    detail = logged_in(operator_a).get(reverse("duties:report_detail", args=[report.pk]))
    assert not detail.context["may_decide"]
    assert "须由牵头单位的另一位领导" in detail.content.decode()

    response = logged_in(operator_a).post(reverse("duties:report_approve", args=[report.pk]))

    assert response.status_code == 403
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_leader_returns_with_a_reason(leader_a, report):
    url = reverse("duties:report_return", args=[report.pk])

    assert logged_in(leader_a).post(url, {"reason": ""}).status_code == 400
    assert logged_in(leader_a).post(url, {"reason": "照片不清晰"}).status_code == 302
    assert ProgressReport.objects.get(pk=report.pk).return_reason == "照片不清晰"


def test_deciding_twice_is_400(leader_a, report):
    client = logged_in(leader_a)
    client.post(reverse("duties:report_approve", args=[report.pk]))

    response = client.post(reverse("duties:report_approve", args=[report.pk]))

    assert response.status_code == 400
    assert "只有待审核的报告可以审核" in response.content.decode()


def test_decision_pages_only_take_post(leader_a, report):
    client = logged_in(leader_a)

    assert client.get(reverse("duties:report_approve", args=[report.pk])).status_code == 405
    assert client.get(reverse("duties:report_return", args=[report.pk])).status_code == 405


def test_report_of_another_county_is_404(operator_b, report):
    client = logged_in(operator_b)

    assert client.get(reverse("duties:report_detail", args=[report.pk])).status_code == 404
    assert client.post(reverse("duties:report_approve", args=[report.pk])).status_code == 404


def test_unknown_report_is_404(leader_a):
    assert logged_in(leader_a).get(reverse("duties:report_detail", args=[5])).status_code == 404


def test_evidence_download(operator_a, operator_b, report):
    item = report.evidence.get()
    url = reverse("duties:evidence_download", args=[item.pk])

    response = logged_in(operator_a).get(url)
    assert response.status_code == 200
    assert download(response) == JPEG
    assert response["Content-Type"] == "image/jpeg"
    assert "attachment" in response["Content-Disposition"]
    assert logged_in(operator_b).get(url).status_code == 404
    assert logged_in(operator_a).get(reverse("duties:evidence_download",
                                             args=[999])).status_code == 404
    assert logged_in(operator_a).post(url).status_code == 405
