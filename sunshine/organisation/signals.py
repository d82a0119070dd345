"""Changes to who may read what make every kept staff page stale.

A page kept by ``sunshine.lib.staff_pages`` was rendered for one session's
user with that user's roles. A saved or deleted user (password, active flag,
superuser flag, last login), role assignment or person link can change what
that session may see, so each of them moves the authorisation generation on.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from sunshine.lib.staff_pages import bump_authorisation
from sunshine.organisation.models import Assignment, Person


def authorisation_changed(sender, **kwargs) -> None:
    bump_authorisation()


for model in (get_user_model(), Assignment, Person):
    post_save.connect(authorisation_changed, sender=model,
                      dispatch_uid=f"staff-pages-save-{model._meta.label_lower}")
    post_delete.connect(authorisation_changed, sender=model,
                        dispatch_uid=f"staff-pages-delete-{model._meta.label_lower}")
