"""Notifications in each recipient's language, and the language switch that stores it."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from sunshine.duties.actions.progress import submit_report
from sunshine.duties.reminders import send_task_reminders
from sunshine.notify.models import Channel, Notification
from sunshine.notify.outbox import Message, compose, deliver_due, language_of
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import UserPreference
from tests.assessment_data import perform, plan
from tests.duties_data import NOW, make_directive, make_leader, make_person, make_task

pytestmark = pytest.mark.django_db

SWITCH = "/i18n/setlang/"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def leader_a(django_user_model, unit_a):
    return make_leader(django_user_model, unit_a)


@pytest.fixture
def task(operator_a, unit_a):
    person = make_person(operator_a, unit_a)
    directive = make_directive(operator_a, unit_a)
    return make_task(operator_a, directive, "1", deadline=datetime.date(2026, 3, 31),
                     responsible_person=person)


def choose_language(client, user, language: str):
    client.force_login(user)
    return client.post(SWITCH, {"language": language, "next": "/staff/"})


def test_switch_stores_language_of_user(client, operator_a):
    response = choose_language(client, operator_a, "en")

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    assert UserPreference.objects.get(user=operator_a).language == "en"
    assert language_of(operator_a) == "en"


def test_switch_back_to_chinese(client, operator_a):
    choose_language(client, operator_a, "en")
    choose_language(client, operator_a, "zh-hans")

    assert UserPreference.objects.get(user=operator_a).language == "zh-hans"


def test_switch_stores_nothing_for_anonymous(client):
    response = client.post(SWITCH, {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert UserPreference.objects.count() == 0


@pytest.mark.parametrize("language", ["fr", "", "zh-hant"])
def test_switch_ignores_language_not_offered(client, operator_a, language):
    choose_language(client, operator_a, language)

    assert UserPreference.objects.count() == 0


def test_switch_get_stores_nothing(client, operator_a):
    client.force_login(operator_a)

    client.get(SWITCH, {"language": "en", "next": "/staff/"})

    assert UserPreference.objects.count() == 0


def test_set_language_rejects_unknown_code(operator_a):
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        org_actions.set_language(operator_a, "fr")


def test_user_without_preference_gets_site_language(operator_a):
    assert language_of(operator_a) == "zh-hans"


def test_overdue_reminder_in_each_language(client, operator_a, leader_a, task, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for user in (operator_a, leader_a):
        user.email = f"{user.username}@example.gov.cn"
        user.save()
    choose_language(client, operator_a, "en")

    send_task_reminders(datetime.date(2026, 4, 1))
    deliver_due()

    english = Notification.objects.get(recipient=operator_a, channel=Channel.IN_APP)
    chinese = Notification.objects.get(recipient=leader_a, channel=Channel.IN_APP)
    assert english.subject == "Task “1 任务1” is overdue: its deadline was 2026-03-31"
    assert english.body == "Lead unit: 椒江区人民政府. Approved progress: 0%."
    assert chinese.subject == "任务“1 任务1”已超期：完成时限为 2026-03-31"
    assert chinese.body == "牵头单位：椒江区人民政府。已通过进度：0%。"
    sent = {message.to[0]: message for message in mail.outbox}
    assert sent["operator_a@example.gov.cn"].subject == english.subject
    assert sent["operator_a@example.gov.cn"].body.startswith(english.body)
    assert sent["leader_a@example.gov.cn"].subject == chinese.subject
    assert sent["leader_a@example.gov.cn"].body.startswith(chinese.body)


def test_due_reminder_in_english(operator_a, task):
    org_actions.set_language(operator_a, "en")

    send_task_reminders(datetime.date(2026, 3, 24))

    notification = Notification.objects.get()
    assert notification.subject == "Task “1 任务1” is due in 7 days, on 2026-03-31"


def test_report_notice_in_leader_language(operator_a, leader_a, task,
                                          django_capture_on_commit_callbacks):
    org_actions.set_language(leader_a, "en")

    with django_capture_on_commit_callbacks(execute=True):
        submit_report(operator_a, task, percent=40, text="已完成入户摸排。")

    notification = Notification.objects.get(recipient=leader_a)
    assert notification.subject == "Progress report to approve: 1 任务1, 40%"


def test_spot_check_result_in_each_language(inspector_a, leader_a, unit_a, django_user_model,
                                            time_machine, django_capture_on_commit_callbacks):
    chinese_leader = make_leader(django_user_model, unit_a, username="leader_zh")
    org_actions.set_language(leader_a, "en")
    with django_capture_on_commit_callbacks(execute=True):
        check = plan(inspector_a, unit_a)
    time_machine.move_to(NOW + datetime.timedelta(days=3), tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        performed = perform(inspector_a, check)

    with translation.override("en"):
        english_rating = performed.get_rating_display()
    with translation.override("zh-hans"):
        chinese_rating = performed.get_rating_display()
    assert english_rating != chinese_rating
    english = Notification.objects.get(recipient=leader_a)
    chinese = Notification.objects.get(recipient=chinese_leader)
    assert english.subject == f"Spot check result for 椒江区人民政府: {english_rating}"
    assert chinese.subject == f"椒江区人民政府 暗访结果：{chinese_rating}"


def test_compose_reads_preferences_once(django_user_model, operator_a, operator_b):
    org_actions.set_language(operator_b, "en")
    users = list(django_user_model.objects.filter(pk__in=[operator_a.pk, operator_b.pk])
                 .order_by("username"))

    with CaptureQueriesContext(connection) as queries:
        messages = compose(users, lambda user: Message(user, "k1", str(Channel.EMAIL.label)))

    assert len(queries) == 1
    assert [message.subject for message in messages] == ["电子邮件", "e-mail"]
