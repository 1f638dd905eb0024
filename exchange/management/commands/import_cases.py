"""Import a municipality's history from a spreadsheet in the exchange format: all or nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from boveileder.models import Municipality
from exchange.importer import cases_import
from exchange.problems import ImportRejected
from exchange.reader import read_path
from exchange.schema import SHEETS


class Command(BaseCommand):
    help = (
        "Import households, persons, units, tenancies, start-up loans, follow-ups, consents, long-tenure "
        "flags, individual decisions and appeals from an .xlsx "
        "workbook, or a folder or .zip of .csv files named after the sheets. A file with any problem "
        "writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="an .xlsx workbook, a .zip of .csv files, or a folder of .csv files")
        parser.add_argument("--municipality", required=True, help="the municipality's short name (slug)")
        parser.add_argument(
            "--municipality-name", help="create the municipality with this name if it does not exist"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, but write nothing")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the messages (default: %(default)s)",
        )

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            self.run(options)

    def run(self, options):
        slug = options["municipality"]
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            name = options["municipality_name"]
            if not name:
                raise CommandError(
                    _("There is no municipality «%(slug)s»: give --municipality-name to create it.")
                    % {"slug": slug}
                )
            if Municipality.objects.filter(name=name).exists():
                raise CommandError(_("Another municipality is already called «%(name)s».") % {"name": name})
            municipality = Municipality(slug=slug, name=name)
        try:
            workbook = read_path(options["path"])
            counts = cases_import(municipality=municipality, workbook=workbook, dry_run=options["dry_run"])
        except ImportRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _("%(n)s problem(s) found: nothing was written.") % {"n": len(rejected.problems)},
                returncode=1,
            ) from None
        for sheet in SHEETS:
            c = counts[sheet.name]
            self.stdout.write(
                _("%(sheet)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged")
                % {"sheet": sheet.name, **c}
            )
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Imported into %(name)s.") % {"name": municipality.name}))
