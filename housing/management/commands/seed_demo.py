from django.core.management.base import BaseCommand

from housing.demo_data import seed_municipality


class Command(BaseCommand):
    help = "Load believable synthetic demo data (one municipality). Existing data is kept."

    def handle(self, *args, **options):
        municipality = seed_municipality()
        self.stdout.write(
            f"Demo data ready for {municipality} ({municipality.households.count()} households)."
        )
