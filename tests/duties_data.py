"""Shared data for the duty, task, progress, execution-rate and notification tests.

Time is frozen at ``NOW``, Monday 16 March 2026 in the first quarter. The
fourth quarter of 2025 is then locked automatically (it ended on 31
December, and quarters lock 15 days after their end by default).

Besides the conftest personas: ``leader_a`` leads the 椒江区 government
(``unit_a``) and approves its reports; ``operator_a`` is also the person
张三, responsible for the tasks made by ``make_task``.
"""

import datetime
import io
import zipfile
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from sunshine.duties import actions
from sunshine.duties.models import Directive, Task
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Assignment, Person, Role, Unit
from tests.conftest import region
from tests.evidence_files import EXE, JPEG, PDF, PNG  # noqa: F401 - shared with the tests

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 16, 10, tzinfo=SHANGHAI)
TODAY = NOW.date()

HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


def office_file(part: str) -> bytes:
    """Return a minimal .docx (part word/document.xml) or .xlsx (xl/workbook.xml) archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def make_leader(django_user_model, unit: Unit, username: str = "leader_a"):
    user = django_user_model.objects.create_user(username=username, password="x-Pass-9271")
    Assignment.objects.create(user=user, role=Role.LEADER, unit=unit)
    return user


def make_person(user, unit: Unit, name: str = "张三") -> Person:
    return org_actions.create_person(None, name=name, unit=unit, user=user)


def make_directive(actor, unit: Unit, number: str = "椒政办发〔2026〕1号", **fields) -> Directive:
    values = {"title": "农村人居环境整治", "issuer": "椒江区人民政府办公室",
              "issued_on": datetime.date(2026, 1, 5), "region": unit.region, "unit": unit}
    values.update(fields)
    return actions.create_directive(actor, document_number=number, **values)


def make_task(actor, directive: Directive, code: str, *, parent: Task | None = None,
              weight: str = "100", start: datetime.date = datetime.date(2026, 1, 10),
              deadline: datetime.date = datetime.date(2026, 6, 30), **fields) -> Task:
    values = {"name": f"任务{code}", "lead_unit": directive.unit}
    values.update(fields)
    return actions.create_task(actor, directive=directive, parent=parent, code=code,
                               weight=Decimal(weight), start=start, deadline=deadline, **values)


def county_unit(name: str, code: str = "331002", parent: Unit | None = None) -> Unit:
    return org_actions.create_unit(None, name=name, kind="department", region=region(code),
                                   parent=parent)


def download(response) -> bytes:
    """Read a FileResponse to the end, which makes the test client close its file.

    Calling ``response.close()`` directly would fire ``request_finished``,
    which closes the test's database connection on PostgreSQL.
    """
    return b"".join(response.streaming_content)
