"""Chinese column headers of the Django admin pages, ours and Django's own."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from sunshine.rules.models import Setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(username="root", password="x-Pass-9271")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_index_headers_are_chinese(superuser):
    body = logged_in(superuser).get(reverse("admin:index")).content.decode()

    assert "数据类型" in body
    assert "修改或查看列表链接" in body
    assert "Model name" not in body
    assert "Change or view list link" not in body


def test_setting_list_names_its_author_in_chinese(superuser):
    Setting.objects.create(key="assets.disclosure_days", value=5, created_by=superuser,
                           effective_from=datetime.date(2024, 1, 1))

    body = logged_in(superuser).get(reverse("admin:rules_setting_changelist")).content.decode()

    assert "记录人" in body
    assert "Created by" not in body
    assert ">root<" in body
