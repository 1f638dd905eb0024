"""python manage.py yearly_overview --municipality alesund --year 2025 [--format pdf|csv] [--output F]

The yearly overview of housing needs (boligsosial behovsoversikt), beside the year before."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from boveileder.models import Municipality
from reports.services.overview import overview_csv, overview_pdf, yearly_overview


class Command(BaseCommand):
    help = "The yearly overview of housing needs for one municipality, as PDF or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="its short name")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--format", default="pdf", choices=["pdf", "csv"])
        parser.add_argument("--output", help="a file to write; CSV goes to standard output without it")

    def handle(self, *args, municipality, year, format, output, **options):
        place = Municipality.objects.filter(slug=municipality).first()
        if place is None:
            raise CommandError(f"no municipality with the short name {municipality!r}")
        if not 2000 <= year <= timezone.localdate().year:
            raise CommandError(f"not a year that has begun (2000 to this year): {year}")
        overview = yearly_overview(municipality=place, year=year)
        if format == "pdf":
            path = output or f"behovsoversikt-{place.slug}-{year}.pdf"
            with open(path, "wb") as handle:
                handle.write(overview_pdf(overview))
            self.stderr.write(f"wrote {path}")
            return
        text = overview_csv(overview)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            self.stderr.write(f"wrote {output}")
        else:
            self.stdout.write(text, ending="")
