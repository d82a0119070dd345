"""Django's own form messages in the Chinese of the platform's catalogue part django_forms.

Django's Chinese for these messages mixes half-width punctuation in and
names no fix, so LOCALE_PATHS put the platform's wording first.
"""

import pytest
from django import forms
from django.core.cache import cache
from django.utils import translation

from sunshine.petitions.forms import ReportForm
from tests.petition_web_data import TOWNSHIP, make_categories

pytestmark = pytest.mark.django_db


class Sample(forms.Form):
    code = forms.CharField(min_length=3, max_length=5)
    choice = forms.ChoiceField(choices=[("a", "A")])
    count = forms.IntegerField(min_value=1, max_value=9)
    amount = forms.DecimalField(max_digits=5, decimal_places=2)
    share = forms.FloatField()


def errors_of(data: dict) -> dict[str, list[str]]:
    with translation.override("zh-hans"):
        form = Sample(data)
        form.is_valid()
        return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


@pytest.mark.parametrize(("data", "field", "message"), [
    ({}, "code", "此项不能为空，请填写或选择。"),
    ({"code": "ab"}, "code", "此项至少要有 3 个字符，现在只有 2 个，请补充。"),
    ({"code": "abcdef"}, "code", "此项最多 5 个字符，现在有 6 个，请删减。"),
    ({"choice": "x"}, "choice", "“x”不是可选的选项，请从列表中选择。"),
    ({"count": "10"}, "count", "此项不能大于 9，请修改。"),
    ({"count": "0"}, "count", "此项不能小于 1，请修改。"),
    ({"count": "1.5"}, "count", "请输入整数，例如 12。"),
    ({"amount": "1.234"}, "amount", "此项小数点后最多 2 位，请删减。"),
    ({"amount": "1234.5"}, "amount", "此项小数点前最多 3 位，请修改。"),
    ({"amount": "123456"}, "amount", "此项的数字总共不能超过 5 位，请删减。"),
    ({"share": "half"}, "share", "请输入数字，例如 12.5。"),
])
def test_form_errors_read_as_the_platform_writes(data, field, message):
    assert message in errors_of(data)[field]


def test_report_form_renders_the_length_in_chinese():
    cache.clear()
    make_categories()
    data = {"kind": "request", "category": "roads", "region": TOWNSHIP, "text": "字" * 5001,
            "identity": "anonymous"}

    with translation.override("zh-hans"):
        form = ReportForm(data)
        page = str(form["text"].errors)

    assert "此项最多 5000 个字符，现在有 5001 个，请删减。" in page


def test_model_choice_errors_read_in_chinese():
    with translation.override("zh-hans"):
        message = str(forms.ModelChoiceField.default_error_messages["invalid_choice"])

    assert message == "所选的选项不存在或已不可选，请从列表中重新选择。"


def test_api_range_error_reads_in_chinese(client):
    cache.clear()
    make_categories()

    response = client.post("/api/v1/reports/", {"kind": "request", "category": "roads",
                                                "region": TOWNSHIP, "text": "道路塌陷",
                                                "latitude": "91", "longitude": "121"},
                           content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"]["latitude"] == [
        "“91”超出了 -90 至 90 的范围，请填写 -90 至 90 之间的数"]
