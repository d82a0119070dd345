"""What filing a citizen's report writes: one transaction, one audit entry, a notice to handlers.

A report from the portal, the API or Open311 is registered and routed
together: the petition and its registration and assignment events are
covered by one audit entry, and the handlers of the assigned unit get an
in-app notification once it is committed.
"""

import pytest
from django.core.cache import cache

from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.notify.models import Notification
from sunshine.organisation.models import Role
from sunshine.petitions import tracking
from sunshine.petitions.models import EventAction, Petition
from tests.conftest import make_staff
from tests.petition_web_data import NOW, PHONE, TOWNSHIP, make_categories

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def categories(db):
    return make_categories()


def file_report(client, category="roads", **extra):
    body = {"kind": "request", "category": category, "region": TOWNSHIP, "text": "村口道路塌陷。"}
    body.update(extra)
    return client.post(REPORTS, body, content_type="application/json")


def test_intake_one_entry_covers_rows(client, categories, township_unit):
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    assert file_report(client).status_code == 201

    petition = Petition.all_objects.get()
    events = list(petition.events.order_by("id"))
    appended = list(AuditEntry.objects.filter(pk__gt=last))
    assert len(appended) == 1
    entry = appended[0]
    assert [e.action for e in events] == [EventAction.REGISTER, EventAction.ASSIGN]
    assert {petition.audit_entry_id, *(e.audit_entry_id for e in events)} == {entry.pk}
    assert entry.object_type == "petitions.petition"
    assert entry.object_id == str(petition.pk)
    assert entry.row_count == 3
    assert petition.assigned_unit == township_unit
    assert events[1].unit == township_unit
    assert verify() == []


def test_intake_unrouted_stays_registered(client, categories, township_unit):
    response = file_report(client, category="lamps", kind="suggestion")

    assert response.status_code == 201
    petition = Petition.all_objects.get()
    assert petition.assigned_unit is None
    assert petition.assign_due is not None
    assert list(petition.events.values_list("action", flat=True)) == [EventAction.REGISTER]
    assert verify() == []


def test_intake_repeat_links_first_petition(client, categories, township_unit):
    named = {"anonymous": False, "name": "周九", "phone": PHONE}
    first = file_report(client, **named).json()
    second = file_report(client, **named).json()
    third = file_report(client, **named).json()

    by_code = {p.tracking_code: p for p in Petition.all_objects.all()}
    root = by_code[first["tracking_code"]]
    assert by_code[second["tracking_code"]].repeat_of == root
    assert by_code[third["tracking_code"]].repeat_of == root
    link = by_code[third["tracking_code"]].events.get(action=EventAction.LINK_REPEAT)
    assert link.reason == root.tracking_code
    assert verify() == []


def test_intake_notifies_unit_handlers(client, categories, township_unit, unit_b,
                                                django_user_model,
                                                django_capture_on_commit_callbacks):
    handler = make_staff(django_user_model, "haimen_operator", Role.OPERATOR, township_unit)
    other = make_staff(django_user_model, "huangyan_operator", Role.OPERATOR, unit_b)

    with django_capture_on_commit_callbacks(execute=True):
        assert file_report(client).status_code == 201

    petition = Petition.all_objects.get()
    notes = Notification.objects.filter(recipient=handler)
    assert notes.count() == 1
    assert tracking.format_code(petition.tracking_code) in notes.get().subject
    assert notes.get().url == f"/staff/petitions/{petition.pk}/"
    assert not Notification.objects.filter(recipient=other).exists()
