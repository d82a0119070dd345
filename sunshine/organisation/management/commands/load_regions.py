from django.core.management.base import BaseCommand

from sunshine.organisation.actions import load_regions


class Command(BaseCommand):
    help = "Load or refresh the bundled Taizhou administrative divisions (idempotent)."

    def handle(self, *args, **options):
        result = load_regions()
        self.stdout.write(
            f"regions: {result['created']} created, {result['updated']} updated"
        )
