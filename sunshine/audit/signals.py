from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from sunshine.audit import chain


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs):
    with transaction.atomic():
        chain.append(user, "login", object_type="auth.user", object_id=str(user.pk))


@receiver(user_login_failed)
def record_failed_login(sender, credentials, request=None, **kwargs):
    with transaction.atomic():
        chain.append(
            None, "login_failed", object_type="auth.user",
            changes={"username": str(credentials.get("username", ""))[:150]},
        )
