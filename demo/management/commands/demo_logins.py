from django.core.management.base import BaseCommand

from demo.data import DEMO_PASSWORD, DEMO_STAFF


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, _first, _last, roles in DEMO_STAFF:
            role = next(iter(roles)).removeprefix("is_")
            self.stdout.write(f"  {username:<20} {role}")
