"""Approvals of the higher share of excellent grades: one per unit and year.

The second of two approvals, whether sequential or concurrent, hits the
database's unique constraint. It must come back as a message naming the
approval already recorded, and leave the first approval unchanged.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sunshine.merit import actions
from sunshine.merit.models import QuotaApproval
from tests.merit_data import NOW, make_leader

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def leader_a(django_user_model, unit_a):
    return make_leader(django_user_model, unit_a)


def test_second_approval_names_the_first(leader_a, unit_a):
    actions.record_quota_approval(leader_a, unit_a, year=2026, document_number="椒组通〔2026〕8号")

    with pytest.raises(ValidationError) as error:
        actions.record_quota_approval(leader_a, unit_a, year=2026, document_number="椒组通〔2026〕9号")

    message = " ".join(error.value.messages)
    assert error.value.code == "approval_exists"
    assert "椒组通〔2026〕8号" in message
    assert leader_a.get_username() in message
    assert "2026-03-16" in message
    assert QuotaApproval.objects.get().document_number == "椒组通〔2026〕8号"


def test_other_year_is_recorded(leader_a, unit_a):
    actions.record_quota_approval(leader_a, unit_a, year=2026, document_number="椒组通〔2026〕8号")

    actions.record_quota_approval(leader_a, unit_a, year=2027, document_number="椒组通〔2027〕1号")

    assert QuotaApproval.objects.count() == 2


def test_page_second_post_is_400(client, leader_a, unit_a):
    url = reverse("merit:promotion") + f"?unit={unit_a.pk}&year=2026"
    client.force_login(leader_a)

    first = client.post(url, {"document_number": "椒组通〔2026〕8号"})
    second = client.post(url, {"document_number": "椒组通〔2026〕9号"})

    text = second.content.decode()
    assert first.status_code == 302
    assert second.status_code == 400
    assert "已经登记" in text
    assert "椒组通〔2026〕8号" in text
    assert leader_a.get_username() in text
    assert QuotaApproval.objects.count() == 1
