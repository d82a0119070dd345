from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sunshine.organisation.tokens import issue_token


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it once; only its digest is stored."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"user {username!r} not found; create it first or check the spelling")
        self.stdout.write(issue_token(None, user))
