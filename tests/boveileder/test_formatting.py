from datetime import date

from django.template import Context, Template
from django.utils import translation

from boveileder.templatetags.formatting import format_nok


def test_amounts_are_formatted_the_norwegian_way():
    assert format_nok(1234567) == "kr\xa01\xa0234\xa0567"
    assert format_nok(0) == "kr\xa00"
    assert format_nok(None) == "–"


def test_dates_are_dd_mm_yyyy_in_norwegian():
    with translation.override("nb"):
        rendered = Template('{{ d|date:"SHORT_DATE_FORMAT" }} {{ d }}').render(
            Context({"d": date(2013, 4, 1)})
        )
    assert rendered == "01.04.2013 01.04.2013"
