"""Deploy checks of the settings that production must change."""

import os
import subprocess
import sys

import pytest

from sunshine.checks import DEV_SECRET_KEY, check_production_keys


def ids() -> set[str]:
    return {message.id for message in check_production_keys(None)}


@pytest.mark.parametrize("address", ["", "http://sunshine.example.gov.cn", "/staff/"])
def test_site_address_needs_https(settings, address):
    settings.SUNSHINE_SITE_URL = address

    assert "sunshine.W002" in ids()


def test_https_site_address_passes(settings):
    settings.SUNSHINE_SITE_URL = "https://sunshine.example.gov.cn"

    assert "sunshine.W002" not in ids()


def test_development_secret_key_fails(settings):
    settings.SECRET_KEY = DEV_SECRET_KEY

    assert "sunshine.E004" in ids()


def test_own_secret_key_passes(settings):
    settings.SECRET_KEY = "a-production-secret-of-fifty-random-characters-0123456789"

    assert "sunshine.E004" not in ids()


def test_default_secret_key_is_the_development_key():
    """The check compares with the settings' default, so the two must stay equal."""
    environment = {name: value for name, value in os.environ.items()
                   if name != "SUNSHINE_SECRET_KEY"}
    output = subprocess.run(
        [sys.executable, "-c",
         "from django.conf import settings; print(settings.SECRET_KEY)"],
        env={**environment, "DJANGO_SETTINGS_MODULE": "sunshine.settings"},
        capture_output=True, text=True, check=True,
    ).stdout.strip()

    assert output == DEV_SECRET_KEY
