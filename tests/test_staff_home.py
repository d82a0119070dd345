"""The staff home page and the access rule shared by every staff page."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_home_lists_roles_and_write_actions(operator_a):
    response = logged_in(operator_a).get(reverse("funds:home"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "经办人" in body
    assert "椒江区人民政府" in body
    assert reverse("funds:project_create") in body


def test_home_for_inspector_offers_reading_only(inspector_a):
    response = logged_in(inspector_a).get(reverse("funds:home"))

    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("funds:project_create") not in body
    assert "只能查看" in body


def test_home_links_admin_for_staff_flag_only(operator_a):
    without_flag = logged_in(operator_a).get(reverse("funds:home")).content.decode()
    operator_a.is_staff = True
    operator_a.save()
    with_flag = logged_in(operator_a).get(reverse("funds:home")).content.decode()

    assert reverse("admin:index") not in without_flag
    assert reverse("admin:index") in with_flag


def test_home_for_superuser_without_role(django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x-Pass-9271")

    assert logged_in(root).get(reverse("funds:home")).status_code == 200


def test_home_forbids_user_without_role(django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x-Pass-9271")

    response = logged_in(user).get(reverse("funds:home"))

    assert response.status_code == 403


def test_home_redirects_anonymous_to_login(client):
    response = client.get(reverse("funds:home"))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/staff/"


def test_home_rejects_post(operator_a):
    assert logged_in(operator_a).post(reverse("funds:home")).status_code == 405


def test_home_follows_english_choice(operator_a):
    client = logged_in(operator_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/staff/"})

    body = client.get(reverse("funds:home")).content.decode()

    assert "What you can do" in body
