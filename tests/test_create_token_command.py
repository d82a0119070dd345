import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sunshine.organisation.models import ApiToken
from sunshine.organisation.tokens import user_for_token

pytestmark = pytest.mark.django_db


def test_it_prints_a_token_that_authenticates(operator_a, capsys):
    call_command("create_token", "operator_a")
    raw = capsys.readouterr().out.strip()

    assert raw.startswith("sun_")
    assert user_for_token(raw) == operator_a
    assert not ApiToken.objects.filter(digest__contains=raw).exists()


def test_it_rejects_unknown_user():
    with pytest.raises(CommandError, match="nobody"):
        call_command("create_token", "nobody")


def test_inactive_user_token_is_refused(operator_a, capsys):
    call_command("create_token", "operator_a")
    raw = capsys.readouterr().out.strip()
    operator_a.is_active = False
    operator_a.save()

    assert user_for_token(raw) is None
    assert user_for_token("sun_forged") is None
