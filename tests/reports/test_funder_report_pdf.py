"""How a funder report's PDF reads: page one, the appendix, the narrative's heading, the chart.
Every test reads a real PDF back with poppler (pdftotext, pdfinfo)."""

import functools
import re
import subprocess
from datetime import date

import pytest
from django.utils import timezone

from reports import indicators
from reports.chart import trend_figure
from reports.models import FundingGrant
from reports.periods import Quarter
from reports.services.content import FUNDER_KEYS, TREND_KEYS, report_content
from reports.services.funder_reports import report_pdf
from tests.factories import FollowUpFactory, HouseholdFactory, PersonFactory, TenancyFactory

Q1 = Quarter(2026, 1)
NARRATIVE = {
    "summary": "Kvartalsoppsummering: tjenesten fulgte opp tre husstander.\nÉn kjøpte egen bolig.",
    "goal_attainment": "Målene for kvartalet er nådd.",
    "methods": "Hjemmebesøk og følge til banken.",
}


@pytest.fixture
def content(municipality):
    """What a report of Q1 2026 holds, as the worker computes it."""

    def make(funder):
        return report_content(municipality=municipality, funder=funder, first=Q1.first, last=Q1.last)

    municipality.project_start = date(2025, 7, 1)
    municipality.save()
    for _n in range(3):
        household = HouseholdFactory(municipality=municipality)
        PersonFactory(household=household, birth_date=date(1980, 1, 1))
        FollowUpFactory(household=household, date=date(2026, 2, 2), minutes=90)
    TenancyFactory(
        household=household,
        start_date=date(2022, 1, 1),
        moved_out_on=date(2026, 3, 1),
        move_out_reason="bought",
    )
    for funder in ("husbanken", "statsforvalteren"):
        FundingGrant.objects.create(
            municipality=municipality,
            funder=funder,
            amount_nok=193_000,
            period_from=date(2025, 7, 1),
            period_to=date(2026, 12, 31),
            purpose="Kompetansetilskudd boveiledning",
        )
    return make


def render(content, narrative=NARRATIVE) -> bytes:
    return report_pdf(content=content, narrative=narrative, generated_at=timezone.now())


def pages(pdf: bytes) -> list[str]:
    """The text of each page, as a reader gets it."""
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return text.stdout.decode().split("\f")[:-1]


def appendix(pdf: bytes) -> str:
    text = "\n".join(pages(pdf))
    assert "Vedlegg: definisjoner" in text
    return text.split("Vedlegg: definisjoner", 1)[1]


@pytest.mark.parametrize("funder", ["husbanken", "statsforvalteren"])
def test_page_one_holds_the_title_and_the_key_figures(content, funder):
    first = pages(render(content(funder)))[0]
    assert "Rapport til" in first
    assert "Nøkkeltall" in first
    assert "Husstander som har fått oppfølging" in first


@pytest.mark.parametrize("funder", ["husbanken", "statsforvalteren"])
def test_the_appendix_defines_exactly_the_report_s_indicators_in_norwegian(content, funder):
    text = appendix(render(content(funder)))
    lines = {line.strip() for line in text.splitlines()}
    for key, item in indicators.INDICATORS.items():
        with_key = key in FUNDER_KEYS[funder]
        assert (str(item.label) in lines) == with_key, (key, with_key)
    # No code names: not «(households_assisted)», not «`bought`».
    assert not re.search(r"\(\w+_\w+\)|`|\b[a-z]+_[a-z_]+\b", text), text


def test_husbanken_s_appendix_leaves_out_decisions_and_appeals(content):
    text = appendix(render(content("husbanken")))
    assert "Klager mottatt" not in text and "Vedtak om hjelp innvilget" not in text
    assert "Søknader om startlån innvilget" in text


def test_the_pdf_stays_tagged_with_its_title_and_language(content):
    pdf = render(content("husbanken"))
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert "Rapport til Husbanken" in info
    structure = subprocess.run(["pdfinfo", "-struct", "-"], input=pdf, capture_output=True, check=True)
    tags = {line.split()[0].rstrip(":") for line in structure.stdout.decode().splitlines() if line.strip()}
    assert {"H1", "H2", "H3", "Table", "TH", "TD", "Figure", "Caption"} <= tags


def words(pdf: bytes) -> list[tuple[int, float, str]]:
    """(page number, top, word) of every word, by pdftotext's bounding boxes."""
    html = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True)
    found, page = [], -1
    for line in html.stdout.decode().splitlines():
        if "<page " in line:
            page += 1
        match = re.search(r'yMin="([\d.]+)".*>([^<]+)</word>', line)
        if match:
            found.append((page, float(match.group(1)), match.group(2)))
    return found


def find(found, sequence, start=0) -> int:
    """The index of the first word of `sequence` (words in a row) at or after `start`."""
    for i in range(start, len(found) - len(sequence) + 1):
        if all(found[i + k][2] == word for k, word in enumerate(sequence)):
            return i
    raise AssertionError(f"{' '.join(sequence)} not found")


def with_quarters(base: dict, n: int) -> bytes:
    """The report with `n` quarters in its trend: a table that grows row by row before the sections."""
    trend = [
        {"quarter": f"{2000 + i // 4}Q{i % 4 + 1}", "label": f"{2000 + i // 4} K{i % 4 + 1}"}
        | dict.fromkeys(TREND_KEYS, i)
        for i in range(n)
    ]
    return render({**base, "trend": trend})


def assert_kept_together(make, heading: tuple, follower: tuple):
    """Bring `heading` row by row to the foot of a page and past it: wherever it lands, `follower`
    (the text or table it introduces) is on the same page."""
    foot = 841.89 - 20 / 25.4 * 72  # A4 less the bottom margin, in points

    @functools.cache
    def where(n):
        found = words(make(n))
        at = find(found, heading)
        return found[at][0], found[at][1], found[find(found, follower, at + len(heading))][0]

    # Find where one more row moves the heading down on its page, and by how much.
    for first in range(1, 40):
        (page1, top1, _), (page2, top2, _) = where(first), where(first + 1)
        if page1 == page2 and top2 > top1:
            break
    else:
        pytest.fail("more rows never move the heading")
    row = top2 - top1
    # The heading alone fits when 20–100 pt are left below its top; walk through that zone.
    sweep = sorted({first + round((foot - top1 - left) / row) for left in range(110, 0, -15)})
    assert sweep[0] >= 1, sweep
    for n in sweep:
        page, top, follower_page = where(n)
        assert page == follower_page, f"with {n} rows before it the heading stands alone at {top:.0f} pt"


def test_the_municipality_s_assessment_never_stands_alone_at_the_foot_of_a_page(content):
    base = content("husbanken")
    assert_kept_together(
        lambda n: with_quarters(base, n), ("Kommunens", "vurdering"), ("Kvartalsoppsummering:",)
    )


def test_a_section_s_heading_and_introduction_stay_with_its_table(content):
    base = content("husbanken")
    assert_kept_together(
        lambda n: with_quarters(base, n), ("Botidsvarsler", "Et", "varsel"), ("Botidsvarsler", "opprettet")
    )


def test_the_trend_chart_s_legend_covers_none_of_its_lines():
    trend = [
        {"label": q.label, "a": n * 10, "b": 80 - n * 5}
        for n, q in enumerate([Quarter(2025, k) for k in range(1, 5)])
    ]
    figure = trend_figure(trend, [("a", "Husstander som har fått oppfølging"), ("b", "Oppfølginger")])
    figure.canvas.draw()
    axes = figure.axes[0]
    legend = figure.legends[0] if figure.legends else axes.get_legend()
    plot_area = axes.get_window_extent()
    box = legend.get_window_extent()
    assert not box.overlaps(plot_area), (box, plot_area)
    assert box.x0 >= 0 and box.y0 >= 0, "the legend lies inside the picture"
