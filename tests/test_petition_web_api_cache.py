"""The shared public cache never answers a report look-up for a request without its secret.

These tests run outside a test transaction, because the shared cache is
off inside one; the live tables are emptied afterwards, so the regions
are loaded again when the module ends.
"""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.petition_web_data import NOW, TOWNSHIP, make_categories

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("restore_regions")]

REPORTS = "/api/v1/reports/"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    cache.clear()
    yield
    cache.clear()


def test_it_never_serves_a_report_without_the_secret():
    make_categories()
    client = Client()
    filed = client.post(REPORTS, {"kind": "request", "category": "roads", "region": TOWNSHIP,
                                  "text": "村口道路塌陷。"}, content_type="application/json").json()
    path = f"{REPORTS}{filed['tracking_code']}/"

    first = client.get(path, HTTP_X_TRACKING_SECRET=filed["secret"])
    again = client.get(path)
    wrong = client.get(path, HTTP_X_TRACKING_SECRET="2222222222")

    assert first.status_code == 200
    assert again.status_code == 400
    assert wrong.status_code == 404
    assert "村口道路塌陷" not in wrong.content.decode()
