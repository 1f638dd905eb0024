"""Norwegian Bokmål first: every string in every catalogue has its translation, none left fuzzy."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUES = sorted(Path(settings.BASE_DIR).glob("*/locale/nb/LC_MESSAGES/django.po")) + [
    Path(settings.BASE_DIR) / "locale/nb/LC_MESSAGES/django.po"
]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_every_string_has_a_norwegian_translation(path):
    catalogue = polib.pofile(str(path))
    assert len(catalogue) > 0
    missing = [entry.msgid for entry in catalogue if not entry.obsolete and not entry.translated()]
    assert not missing, f"untranslated or fuzzy in {path.name}: {missing[:10]}"


def test_the_catalogues_cover_every_app():
    apps = {p.relative_to(settings.BASE_DIR).parts[0] for p in CATALOGUES}
    assert {"boveileder", "cases", "housing", "reports", "locale"} <= apps
