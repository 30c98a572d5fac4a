"""`manage.py statements <slug> <year> --format json|text`: the year's computed
statements, for ekonomer who automate and for integrations."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from finsam.money import format_kronor
from members.models import Association
from reporting.selectors import YearStatements, year_statements

TEXT_ROWS = {
    "resultatrakning": (
        "Resultaträkning",
        [
            ("verksamhetens_intakter", "Verksamhetens intäkter"),
            ("verksamhetens_kostnader", "Verksamhetens kostnader"),
            ("verksamhetens_resultat", "Verksamhetens resultat"),
            ("finansiella_intakter", "Finansiella intäkter"),
            ("finansiella_kostnader", "Finansiella kostnader"),
            ("resultat_efter_finansiella_poster", "Resultat efter finansiella poster"),
            ("arets_resultat", "Årets resultat"),
        ],
    ),
    "balansrakning": (
        "Balansräkning",
        [
            ("fordringar", "Fordringar"),
            ("kortfristiga_placeringar", "Kortfristiga placeringar"),
            ("kassa_och_bank", "Kassa och bank"),
            ("summa_tillgangar", "Summa tillgångar"),
            ("arets_resultat", "Årets resultat"),
            ("ovrigt_eget_kapital", "Övrigt eget kapital"),
            ("eget_kapital", "Summa eget kapital"),
            ("avsattningar_pensioner", "Avsättningar för pensioner"),
            ("kortfristiga_skulder", "Kortfristiga skulder"),
            (
                "summa_eget_kapital_avsattningar_och_skulder",
                "Summa eget kapital, avsättningar och skulder",
            ),
        ],
    ),
    "kassaflodesanalys": (
        "Kassaflödesanalys",
        [
            ("arets_resultat", "Årets resultat"),
            (
                "justering_ej_likviditetspaverkande",
                "Justering för ej likviditetspåverkande poster",
            ),
            ("fore_forandring_rorelsekapital", "Medel före förändring av rörelsekapital"),
            ("forandring_kortfristiga_fordringar", "Ökning/minskning kortfristiga fordringar"),
            ("forandring_kortfristiga_skulder", "Ökning/minskning kortfristiga skulder"),
            ("lopande_verksamhet", "Kassaflöde från den löpande verksamheten"),
            ("investeringsverksamhet", "Kassaflöde från investeringsverksamheten"),
            ("finansieringsverksamhet", "Kassaflöde från finansieringsverksamheten"),
            ("arets_kassaflode", "Årets kassaflöde"),
            ("likvida_medel_vid_arets_borjan", "Likvida medel vid årets början"),
            ("likvida_medel_vid_arets_slut", "Likvida medel vid årets slut"),
        ],
    ),
}


def as_text(statements: YearStatements, association: Association) -> str:
    from decimal import Decimal

    data = statements.as_json()
    previous = data.get("previous_year", {})
    year = statements.year
    out = [f"{association.name}, räkenskapsåret {year}", ""]
    for key, (title, rows) in TEXT_ROWS.items():
        if key not in data:
            continue
        out.append(f"{title} (kr){'':<22}{year:>16}{year - 1:>16}")
        for field, label in rows:
            now = format_kronor(Decimal(data[key][field]))
            before = previous.get(key, {}).get(field)
            before = format_kronor(Decimal(before)) if before is not None else "–"
            out.append(f"  {label:<46}{now:>16}{before:>16}")
        out.append("")
    keys = data.get("nyckeltal", {})
    if keys:
        out.append("Nyckeltal")

        def pct(value):
            return "–" if value is None else value.replace(".", ",") + " %"

        out.append(f"  {'Soliditet':<46}{pct(keys['soliditet_procent']):>16}")
        out.append(
            f"  {'Eget kapital av årets bidrag':<46}"
            f"{pct(keys['eget_kapital_andel_av_bidrag_procent']):>16}"
        )
        out.append(
            f"  {'Balanskravsresultat':<46}"
            f"{format_kronor(Decimal(keys['balanskravsresultat'])):>16}"
        )
        out.append("")
    if data["findings"]:
        out.append("Avvikelser:")
        out.extend(f"  - {finding}" for finding in data["findings"])
    else:
        out.append("Alla kontroller stämmer.")
    # Plain spaces in a terminal: the thousands separator of the pages is a no-break space.
    return "\n".join(out).replace("\xa0", " ")


class Command(BaseCommand):
    help = "Skriver ut årets resultaträkning, balansräkning, kassaflödesanalys och nyckeltal."

    def add_arguments(self, parser):
        parser.add_argument("association", help="förbundets kortnamn (slug)")
        parser.add_argument("year", type=int)
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, **options):
        association = Association.objects.filter(slug=options["association"]).first()
        if association is None:
            raise CommandError(f"Inget förbund heter {options['association']!r}.")
        statements = year_statements(association=association, year=options["year"])
        if statements.is_empty:
            raise CommandError(
                f"{association.name} har inget utfall eller några balanser för {options['year']}."
            )
        if options["format"] == "json":
            self.stdout.write(json.dumps(statements.as_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(as_text(statements, association))
