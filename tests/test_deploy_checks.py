"""Deploy checks of the settings that production must change."""

import pytest

from sunshine.checks import check_production_keys


def ids() -> set[str]:
    return {message.id for message in check_production_keys(None)}


@pytest.mark.parametrize("address", ["", "http://sunshine.example.gov.cn", "/staff/"])
def test_site_address_needs_https(settings, address):
    settings.SUNSHINE_SITE_URL = address

    assert "sunshine.W002" in ids()


def test_https_site_address_passes(settings):
    settings.SUNSHINE_SITE_URL = "https://sunshine.example.gov.cn"

    assert "sunshine.W002" not in ids()
