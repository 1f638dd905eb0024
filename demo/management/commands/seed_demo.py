import time

from django.core.management.base import BaseCommand

from demo.data import seed_municipality


class Command(BaseCommand):
    help = (
        "Load believable synthetic demo data. Without --scale: one municipality (Ålesund) for the demo. "
        "--scale national: about 150 000 households in 356 municipalities for the benchmark "
        "(PostgreSQL COPY); --scale small: the same code path in miniature. Existing data is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["demo", "small", "national"], default="demo")
        parser.add_argument("--seed", type=int, default=2013, help="seed of the random generator")

    def handle(self, *args, scale, seed, **options):
        if scale == "demo":
            municipality = seed_municipality(seed=seed)
            self.stdout.write(
                f"Demo data ready for {municipality} ({municipality.households.count()} households)."
            )
            return
        from demo.national import seed_national

        started = time.monotonic()
        result = seed_national(scale=scale, seed=seed, log=self.stdout.write)
        if result:
            self.stdout.write(
                f"Loaded {scale} data in {time.monotonic() - started:.0f} s: "
                + ", ".join(f"{v} {k}" for k, v in result["counts"].items())
            )
