"""Copies of inbox messages on the recipient's other channels, delivered to stand-ins on 127.0.0.1."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sunshine.notify import dingtalk
from sunshine.notify.models import Channel, DeliveryStatus, Notification
from sunshine.notify.outbox import Message, deliver_due, queue
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Assignment, Role
from tests.duties_data import NOW, make_directive, make_task
from tests.test_notify_dingtalk import add_robot, frozen, stand_in  # noqa: F401

SITE = "https://sunshine.example.gov.cn"
ACCOUNT = "31337"


@pytest.fixture
def reachable(operator_a, unit_a, stand_in, settings):  # noqa: F811
    """The operator with an e-mail address and a robot for the unit, and the site address set."""
    settings.SUNSHINE_SITE_URL = SITE + "/"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    operator_a.email = "a@example.gov.cn"
    operator_a.save()
    add_robot(stand_in.webhook, unit=unit_a)
    return operator_a


def channels() -> list[str]:
    return sorted(Notification.objects.values_list("channel", flat=True))


@pytest.mark.django_db
def test_message_goes_to_every_channel(reachable, stand_in):  # noqa: F811
    queue([Message(reachable, "k1", "任务即将到期", body="请尽快办理。", url="/staff/duties/")])

    counts = deliver_due()

    assert channels() == sorted([Channel.IN_APP, Channel.DINGTALK, Channel.EMAIL])
    assert counts["sent"] == 3
    assert Notification.objects.get(channel=Channel.IN_APP).url == "/staff/duties/"
    [request] = stand_in.requests
    assert request["signature_ok"]
    assert f"{SITE}/staff/duties/" in request["body"]["markdown"]["text"]
    [sent] = mail.outbox
    assert sent.to == ["a@example.gov.cn"]
    assert sent.body == f"请尽快办理。\n\n{SITE}/staff/duties/"


@pytest.mark.django_db
def test_queue_twice_sends_once(reachable, stand_in):  # noqa: F811
    message = Message(reachable, "k1", "任务即将到期")

    assert queue([message]) == 1
    assert Notification.objects.count() == 3
    assert queue([message]) == 0
    assert Notification.objects.count() == 3
    deliver_due()
    assert len(stand_in.requests) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_confidential_message_stays_inside(reachable, stand_in):  # noqa: F811
    queue([Message(reachable, "k1", "新的信访件待办理", confidential=True)])
    deliver_due()

    assert channels() == [Channel.IN_APP]
    assert stand_in.requests == []
    assert mail.outbox == []


@pytest.mark.django_db
def test_zzd_copy_needs_gateway_and_account(reachable, unit_a, settings):
    org_actions.create_person(None, name="王明", unit=unit_a, user=reachable,
                              zzd_account_id=ACCOUNT)
    queue([Message(reachable, "k1", "新的信访件待办理", confidential=True)])
    assert channels() == [Channel.IN_APP]

    settings.SUNSHINE_ZZD_APP_KEY = "key"
    settings.SUNSHINE_ZZD_APP_SECRET = "secret"
    settings.SUNSHINE_ZZD_TENANT_ID = "196729"
    queue([Message(reachable, "k2", "新的信访件待办理", confidential=True)])

    assert list(Notification.objects.filter(key="k2").order_by("channel")
                .values_list("channel", flat=True)) == sorted([Channel.IN_APP, Channel.ZZD])


@pytest.mark.django_db
def test_unreachable_user_gets_inbox_only(operator_a):
    queue([Message(operator_a, "k1", "任务即将到期")])

    assert channels() == [Channel.IN_APP]


@pytest.mark.django_db
def test_reminder_command_reaches_robot(reachable, unit_a, stand_in, time_machine):  # noqa: F811
    person = org_actions.create_person(None, name="王明", unit=unit_a, user=reachable)
    directive = make_directive(reachable, unit_a)
    task = make_task(reachable, directive, "1", deadline=datetime.date(2026, 3, 31),
                     responsible_person=person)
    time_machine.move_to(NOW + datetime.timedelta(days=14), tick=False)

    call_command("send_reminders", "--date", "2026-03-24", stdout=io.StringIO())

    assert set(Notification.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    [request] = stand_in.requests
    assert f"{SITE}/staff/duties/tasks/{task.pk}/" in request["body"]["markdown"]["text"]
    assert len(mail.outbox) == 1


def staff_with_accounts(django_user_model, unit, prefix: str, count: int) -> list:
    """Create ``count`` operators of ``unit``, each with an e-mail address and a 浙政钉 account."""
    for number in range(count):
        # No password: hashing one per user would make up most of the test's time.
        user = django_user_model.objects.create(username=f"{prefix}{number}",
                                                email=f"{prefix}{number}@example.gov.cn")
        Assignment.objects.create(user=user, role=Role.OPERATOR, unit=unit)
        org_actions.create_person(None, name=f"干部{number}", unit=unit, user=user,
                                  zzd_account_id=f"{number + 1}")
    # Read again, so that no person or unit is cached on the instances.
    return list(django_user_model.objects.filter(username__startswith=prefix))


def reads_to_queue(users: list) -> int:
    """Queue a message to each user; return the number of queries other than the inserts.

    The inserts are left out because the database sets how many rows one
    INSERT may carry (SQLite allows 999 parameters).
    """
    with CaptureQueriesContext(connection) as queries:
        queue([Message(user, "k1", "任务即将到期") for user in users])
    return sum(1 for query in queries if not query["sql"].lstrip().upper().startswith("INSERT"))


@pytest.mark.django_db
def test_queue_queries_independent_of_recipients(django_user_model, unit_a, stand_in,  # noqa: F811
                                                 settings):
    settings.SUNSHINE_ZZD_APP_KEY = "key"
    settings.SUNSHINE_ZZD_APP_SECRET = "secret"
    settings.SUNSHINE_ZZD_TENANT_ID = "196729"
    add_robot(stand_in.webhook, unit=unit_a)
    few = staff_with_accounts(django_user_model, unit_a, "few", 2)
    many = staff_with_accounts(django_user_model, unit_a, "many", 30)

    few_reads = reads_to_queue(few)
    many_reads = reads_to_queue(many)

    assert Notification.objects.filter(channel=Channel.DINGTALK).count() == 32
    assert Notification.objects.filter(channel=Channel.ZZD).count() == 32
    assert Notification.objects.filter(channel=Channel.EMAIL).count() == 32
    assert many_reads == few_reads


@pytest.mark.django_db
def test_robot_lookup_reads_units_once(django_user_model, unit_a, township_unit,
                                       stand_in):  # noqa: F811
    county_robot = add_robot(stand_in.webhook, unit=unit_a, name="区政府")
    township_robot = add_robot(stand_in.webhook, unit=township_unit, name="街道")
    county_users = staff_with_accounts(django_user_model, unit_a, "county", 3)
    township_users = staff_with_accounts(django_user_model, township_unit, "township", 3)
    robots = dingtalk.active_robots()

    with CaptureQueriesContext(connection) as queries:
        found = dingtalk.robots_for(county_users + township_users, robots)

    assert len(queries) == 1
    assert {found[user.pk] for user in county_users} == {county_robot}
    assert {found[user.pk] for user in township_users} == {township_robot}
