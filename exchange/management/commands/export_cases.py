"""Export a municipality in the exchange format: an .xlsx workbook, a .zip of .csv files or a folder."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from boveileder.models import Municipality
from exchange.export import export_rows, to_folder, to_xlsx, to_zip


class Command(BaseCommand):
    help = (
        "Export a municipality's households, persons, units, tenancies, start-up loans, follow-ups, "
        "consents, long-tenure flags, individual decisions and appeals in "
        "the format import_cases reads. PATH ending in .xlsx gives a workbook, .zip a zip of .csv files, "
        "anything else a folder of .csv files. National ID numbers only with --with-national-ids."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--municipality", required=True, help="the municipality's short name (slug)")
        parser.add_argument(
            "--with-national-ids",
            action="store_true",
            help="include national ID numbers (left out by default)",
        )

    def handle(self, *args, **options):
        municipality = Municipality.objects.filter(slug=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"There is no municipality «{options['municipality']}».")
        sheets = export_rows(municipality, national_ids=options["with_national_ids"])
        path = Path(options["path"])
        if path.suffix.lower() == ".xlsx":
            path.write_bytes(to_xlsx(sheets))
        elif path.suffix.lower() == ".zip":
            path.write_bytes(to_zip(sheets))
        else:
            to_folder(sheets, path)
        counts = ", ".join(f"{name}: {len(rows) - 1}" for name, rows in sheets.items())
        self.stdout.write(f"Wrote {path} ({counts}).")
