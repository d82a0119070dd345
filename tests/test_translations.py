from django.core.exceptions import ValidationError
from django.utils import translation

from sunshine.lib.identifiers import normalize_credit_code


def error_text(language: str) -> str:
    with translation.override(language):
        try:
            normalize_credit_code("91110000600037341X")
        except ValidationError as error:
            return error.messages[0]
    raise AssertionError("the invalid code was accepted")


def test_errors_are_chinese_by_default():
    assert "校验位不正确" in error_text("zh-hans")


def test_errors_follow_english_choice():
    assert "wrong check character" in error_text("en")
