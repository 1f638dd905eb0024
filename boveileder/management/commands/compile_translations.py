"""Compile every .po file of the project to .mo without needing GNU gettext on the machine."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

SEARCH = [
    "locale",
    "boveileder/locale",
    "cases/locale",
    "housing/locale",
    "reports/locale",
    "dispatch/locale",
    "journal/locale",
]


class Command(BaseCommand):
    help = "Compile the project's translations (.po -> .mo)."

    def handle(self, *args, **options):
        count = 0
        for folder in SEARCH:
            for po_path in sorted((Path(settings.BASE_DIR) / folder).glob("*/LC_MESSAGES/*.po")):
                polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
        self.stdout.write(f"Compiled {count} translation files.")
