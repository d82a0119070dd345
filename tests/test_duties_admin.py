"""Admin pages of the duty models: read-only and filtered by scope."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from sunshine.duties.models import Task
from tests.duties_data import NOW, make_directive, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def task(operator_a, unit_a):
    return make_task(operator_a, make_directive(operator_a, unit_a), "1")


def admin_client(user) -> Client:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ["directive", "duty", "task", "progressreport", "periodlock"])
def test_superuser_lists_every_model(admin_user, task, model):
    client = Client()
    client.force_login(admin_user)

    assert client.get(reverse(f"admin:duties_{model}_changelist")).status_code == 200


def test_admin_is_read_only(admin_user, task):
    client = Client()
    client.force_login(admin_user)

    assert client.get(reverse("admin:duties_task_add")).status_code == 403
    change = client.post(reverse("admin:duties_task_change", args=[task.pk]), {"name": "改"})
    assert change.status_code == 403
    assert Task.objects.get(pk=task.pk).name == "任务1"


def test_admin_keeps_other_counties_out(operator_b, task):
    operator_b.user_permissions.add(Permission.objects.get(codename="view_task"))
    response = admin_client(operator_b).get(reverse("admin:duties_task_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_outbox_admin_is_for_superusers(operator_a):
    response = admin_client(operator_a).get(reverse("admin:notify_notification_changelist"))

    assert response.status_code == 403
