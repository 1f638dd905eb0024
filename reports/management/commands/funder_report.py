"""python manage.py funder_report --funder husbanken --quarter 2013Q1 [--format json]
(--municipality SLUG | --county NN | --all)

Only the report itself goes to standard output (JSON or CSV), so it pipes into other tools. A county's
or the country's report takes the municipalities that share their figures with the funder: the pooled
figures (sums of counts; shares, medians and rates over the pooled records) and each municipality's.
Its JSON and CSV are the exact figures, for the operator; `--published` gives them as they may leave
the municipalities, small counts suppressed (reports.suppression), as the regional PDF always does."""

import csv
import io
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from boveileder.models import Municipality
from reports import indicators, selectors
from reports.models import FigureSharing, Funder
from reports.periods import Quarter, period_key
from reports.services.content import cumulative_from, report_content
from reports.services.funder_reports import narrative_for, report_pdf
from reports.services.regional import published, regional_figures, regional_report_pdf

FUNDER_ALIASES = {"husbanken": Funder.HUSBANKEN, "statsforvalteren": Funder.STATSFORVALTEREN}
FUNDER_ALIASES["fylkesmannen"] = Funder.STATSFORVALTEREN  # the county governor's former name


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from error


class Command(BaseCommand):
    help = "A funder report for a quarter or a period, as PDF, JSON or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--funder", required=True, choices=sorted(FUNDER_ALIASES))
        period = parser.add_mutually_exclusive_group(required=True)
        period.add_argument("--quarter", help="e.g. 2013Q1")
        period.add_argument("--from", dest="period_from", metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="period_to", metavar="YYYY-MM-DD")
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--municipality", help="its short name; may be left out when there is only one")
        scope.add_argument(
            "--county", metavar="NN", help="the county's number: the first two digits of a kommunenummer"
        )
        scope.add_argument("--all", action="store_true", help="every municipality sharing with the funder")
        parser.add_argument(
            "--published", action="store_true", help="several municipalities: suppress small counts (1–4)"
        )
        parser.add_argument("--format", default="pdf", choices=["pdf", "json", "csv"])
        parser.add_argument("--output", help="a file to write; JSON and CSV go to standard output without it")

    def handle(self, *args, funder, quarter, period_from, period_to, municipality, format, output, **options):
        funder = FUNDER_ALIASES[funder]
        first, last = self.period(quarter, period_from, period_to)
        if options["county"] is not None or options["all"]:
            places = self.sharing(funder, options["county"])
            if format == "pdf":
                data = regional_report_pdf(
                    funder=funder,
                    municipalities=places,
                    first=first,
                    last=last,
                    name=self.scope_name(options),
                )
                path = (
                    output or f"{funder}-{self.scope_name(options, slug=True)}-{period_key(first, last)}.pdf"
                )
                with open(path, "wb") as handle:
                    handle.write(data)
                self.stderr.write(f"wrote {path}")
                return
            result = regional_figures(funder=funder, municipalities=places, first=first, last=last)
            if options["published"]:
                result = published(result)
            self.emit(self.regional_csv(result) if format == "csv" else self.json(result), output)
            return
        place = self.municipality(municipality)
        if format == "pdf":
            content = report_content(municipality=place, funder=funder, first=first, last=last)
            narrative = narrative_for(municipality=place, funder=funder, period_from=first, period_to=last)
            data = report_pdf(content=content, narrative=narrative, generated_at=timezone.now())
            path = output or f"{funder}-{place.slug}-{period_key(first, last)}.pdf"
            with open(path, "wb") as handle:
                handle.write(data)
            self.stderr.write(f"wrote {path}")
            return
        result = {
            "funder": str(funder),
            "municipality": place.slug,
            "from": first.isoformat(),
            "to": last.isoformat(),
            "figures": selectors.figures(place, first, last, keys=indicators.REPORT_KEYS),
        }
        start = cumulative_from(place, last)
        if start:
            result["cumulative"] = selectors.figures(place, start, last, keys=indicators.REPORT_KEYS)
        self.emit(self.json(result) if format == "json" else self.csv(result), output)

    @staticmethod
    def json(result: dict) -> str:
        return json.dumps(result, ensure_ascii=False, indent=2) + "\n"

    def emit(self, text: str, output: str | None) -> None:
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            self.stderr.write(f"wrote {output}")
        else:
            self.stdout.write(text, ending="")

    def period(self, quarter, period_from, period_to) -> tuple[date, date]:
        if quarter:
            if period_to:
                raise CommandError("give either --quarter or --from and --to")
            try:
                q = Quarter.parse(quarter)
            except ValueError as error:
                raise CommandError(f"not a quarter (like 2013Q1): {quarter}") from error
            return self.begun(q.first, q.last, str(q))
        if not period_to:
            raise CommandError("--from needs --to")
        first, last = parse_day(period_from), parse_day(period_to)
        if last < first:
            raise CommandError("--to is before --from")
        return self.begun(first, last, f"{first:%Y-%m-%d}..{last:%Y-%m-%d}")

    @staticmethod
    def begun(first: date, last: date, name: str) -> tuple[date, date]:
        """A report covers days that have come: a period not begun yet is refused (9999Q4)."""
        if first > timezone.localdate():
            raise CommandError(f"{name} has not begun yet: a report covers days that have come")
        return first, last

    def municipality(self, slug) -> Municipality:
        if slug:
            found = Municipality.objects.filter(slug=slug).first()
            if not found:
                raise CommandError(f"no municipality with the short name {slug!r}")
            return found
        municipalities = list(Municipality.objects.all()[:2])
        if len(municipalities) != 1:
            raise CommandError("give --municipality: there is not exactly one municipality")
        return municipalities[0]

    @staticmethod
    def scope_name(options, slug=False) -> str:
        if options["all"]:
            return "norge" if slug else "Norge"
        return f"fylke-{options['county']}" if slug else f"fylke {options['county']}"

    def sharing(self, funder: str, county: str | None) -> list[Municipality]:
        if county is not None and not (len(county) == 2 and county.isascii() and county.isdigit()):
            raise CommandError(f"not a county number (two digits, like 15): {county}")
        places = FigureSharing.objects.municipalities_sharing_with(funder)
        if county is not None:
            places = places.in_county(county)
        found = list(places.order_by("slug"))
        if not found:
            where = f"in county {county}" if county is not None else "at all"
            raise CommandError(f"no municipality {where} shares its figures with {funder}")
        return found

    @staticmethod
    def regional_csv(result: dict) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        slugs = result["municipalities"]
        writer.writerow(["key", "from", "to", "value", *slugs])
        for key, value in result["figures"].items():
            row = [result["by_municipality"][slug][key] for slug in slugs]
            writer.writerow([key, result["from"], result["to"], value, *row])
        return buffer.getvalue()

    def csv(self, result: dict) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["key", "from", "to", "value", "cumulative"])
        cumulative = result.get("cumulative") or {}
        for key, value in result["figures"].items():
            writer.writerow([key, result["from"], result["to"], value, cumulative.get(key, "")])
        return buffer.getvalue()
