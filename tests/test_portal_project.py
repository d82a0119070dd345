"""The public project page: figures, advice, timeline, privacy, paging, query count."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from sunshine.funds import actions
from tests.portal_data import PRIVATE_PAYEE, SECRETS, SUPPLIER, build_projects

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(operator_a, unit_a, unit_b):
    return build_projects(operator_a, unit_a, unit_b)


def project_page(client, code: str, **params):
    return client.get(reverse("portal:project", args=[code]), params)


def figure(page: str, name: str) -> str:
    """Return the text of the <dd id="figure-NAME"> element."""
    start = page.index(f'id="figure-{name}">') + len(f'id="figure-{name}">')
    return page[start:page.index("<", start)]


def test_it_shows_exact_figures(client, projects):
    page = project_page(client, "JJ-2025-001").content.decode()

    assert figure(page, "budget") == "¥1,500,000.00"
    assert figure(page, "allocated") == "¥1,250,000.00"
    assert figure(page, "arrived") == "¥800,000.00"
    assert figure(page, "paid") == "¥301,200.50"
    assert figure(page, "remaining") == "¥498,799.50"
    assert figure(page, "arrival-rate") == "64.00%"
    assert figure(page, "spend-rate") == "37.65%"
    assert figure(page, "progress") == "40%"


def test_it_shows_dash_for_rates_without_divisor(client, projects):
    page = project_page(client, "HY-2025-001").content.decode()

    assert figure(page, "arrival-rate") == "—"
    assert figure(page, "spend-rate") == "—"
    assert figure(page, "remaining") == "¥0.00"


def test_it_shows_status_and_advice(client, projects):
    page = project_page(client, "JJ-2025-001").content.decode()

    assert '状态：<span id="project-status">在建</span>' in page
    assert 'data-code="on_track"' in page
    assert "未发现问题" in page


def test_it_advises_on_overspending(client, operator_a, projects):
    actions.add_disbursement(operator_a, projects["public"], paid_on=datetime.date(2025, 4, 1),
                             amount=Decimal("600000.00"), payee_name=SUPPLIER,
                             payee_credit_code="91110000600037341L")

    page = project_page(client, "JJ-2025-001").content.decode()

    assert 'data-code="overspent"' in page
    assert "支付金额 ¥901,200.50 超过了到位资金 ¥800,000.00" in page


def test_it_lists_money_in_and_out(client, projects):
    page = project_page(client, "JJ-2025-001").content.decode()

    assert "资金下达" in page
    assert "资金到位" in page
    assert "资金支付" in page
    assert "来源：省级" in page
    assert f"收款方：{SUPPLIER}" in page
    assert "−¥300,000.50" in page
    assert "+¥800,000.00" in page
    assert "浙财建〔2025〕12号" in page


def test_it_never_shows_personal_data(client, projects):
    page = project_page(client, "JJ-2025-001").content.decode()

    for secret in SECRETS:
        assert secret not in page
    assert "个人（已隐去）" in page
    assert "工程进度款" in page
    assert "劳务费" not in page


def test_private_project_is_not_found(client, projects):
    assert project_page(client, "JJ-2025-099").status_code == 404
    assert project_page(client, "HY-2025-002").status_code == 404


def test_unknown_project_is_not_found(client, projects):
    assert project_page(client, "NO-SUCH-CODE").status_code == 404


def test_it_pages_the_timeline(client, operator_a, projects):
    for day in range(1, 21):
        actions.add_disbursement(operator_a, projects["public"], paid_on=datetime.date(2025, 5, day),
                                 amount=Decimal("10.00"), payee_name=PRIVATE_PAYEE,
                                 payee_is_person=True)

    first = project_page(client, "JJ-2025-001").content.decode()
    second = project_page(client, "JJ-2025-001", page=2).content.decode()

    assert '<a href="?page=2">更早的记录</a>' in first
    assert "浙财建〔2025〕12号" not in first
    assert "浙财建〔2025〕12号" in second
    assert '<a href="?page=1">较新的记录</a>' in second


def test_bad_page_number_is_not_found(client, projects):
    assert project_page(client, "JJ-2025-001", page="abc").status_code == 404
    assert project_page(client, "JJ-2025-001", page="0").status_code == 404


def test_it_reads_few_queries(client, projects, django_assert_max_num_queries):
    # One for the project with its regions, one for the timeline, the rest
    # for the versioned thresholds of the advice (two per key at most).
    with django_assert_max_num_queries(6):
        response = project_page(client, "JJ-2025-001")

    assert response.status_code == 200


def test_it_rejects_post(client, projects):
    response = client.post(reverse("portal:project", args=["JJ-2025-001"]))

    assert response.status_code == 405


def test_it_sets_cache_headers(client, projects):
    response = project_page(client, "JJ-2025-001")

    assert response["Cache-Control"] == "private, max-age=60"
    assert "Cookie" in response["Vary"]


def test_it_is_english_after_language_switch(client, projects):
    url = reverse("portal:project", args=["JJ-2025-001"])

    switched = client.post(reverse("set_language"), {"language": "en", "next": url})
    page = client.get(url).content.decode()

    assert switched.status_code == 302
    assert '<html lang="en">' in page
    assert "Arrival rate" in page
    assert "private person (name withheld)" in page
    assert "No problem found in the published figures" in page


def test_project_code_with_slash(client, operator_a, projects):
    actions.create_project(operator_a, code="JJ/2025/7", name="带斜杠编号的项目",
                           region=projects["public"].region, is_public=True)

    response = project_page(client, "JJ/2025/7")

    assert response.status_code == 200
    assert "带斜杠编号的项目" in response.content.decode()


def test_foreign_currency_is_shown_with_its_code(client, operator_a, projects):
    actions.create_project(operator_a, code="UA-2021-01-01-000001", name="Road repair, Kyiv",
                           region=projects["public"].region, currency="UAH",
                           budget=Decimal("125000.00"), is_public=True)

    page = project_page(client, "UA-2021-01-01-000001").content.decode()

    assert figure(page, "budget") == "125,000.00 UAH"
    assert figure(page, "paid") == "0.00 UAH"


@pytest.mark.parametrize("page", ["²", "①", "99999999999999999999", "-1", "0"])
def test_odd_page_numbers_are_not_found(client, projects, page):
    assert project_page(client, "JJ-2025-001", page=page).status_code == 404
