"""What several documents share: the narrative texts, the people of the year, the
organisation table, the goals and the decided budget version."""

from __future__ import annotations

import datetime

from budgets.models import BudgetVersion
from insatser.models import Goal
from members.models import Appointment, Association
from reporting.documents.blocks import TEXT, Row, Table, Text
from reporting.markdown import render
from reporting.models import AR, VP, NarrativeSection

# The narrative texts of each document, in document order: key, title.
NARRATIVES = {
    VP: [
        ("inledning", "Inledning"),
        ("bakgrund", "Bakgrund och vision"),
        ("behov", "Behov och målgrupper"),
        ("arshjul", "Årshjul"),
        ("risker", "Risk- och konsekvensanalys"),
    ],
    AR: [
        ("forord", "Ordföranden har ordet"),
        ("uppdrag", "Förbundets uppdrag och finansiering"),
        ("verksamhetside", "Verksamhetsidé och vision"),
        ("forhallanden", "Viktiga förhållanden för resultat och ekonomisk ställning"),
        ("handelser", "Händelser av väsentlig betydelse"),
        ("styrning", "Styrning och uppföljning"),
        ("malgrupper", "Målgrupper och behov"),
        ("personal", "Väsentliga personalförhållanden"),
        ("utveckling", "Förväntad utveckling"),
        ("principer", "Redovisningsprinciper"),
        ("bilagor", "Bilagor"),
    ],
}
NARRATIVE_TITLES = {doc: dict(items) for doc, items in NARRATIVES.items()}


def narratives(association: Association, document: str, year: int) -> dict[str, Text]:
    stored = {
        n.key: n.body
        for n in NarrativeSection.objects.filter(
            association=association, document=document, year=year
        )
    }
    texts = {}
    for key, _ in NARRATIVES[document]:
        body = stored.get(key, "").strip()
        texts[key] = Text(render(body), key=key, empty=not body)
    return texts


def people(association: Association, year: int) -> dict[str, list[Appointment]]:
    end = datetime.date(year, 12, 31)
    start = datetime.date(year, 1, 1)
    found: dict[str, list[Appointment]] = {"board": [], "audit": [], "office": []}
    for a in (
        Appointment.objects.filter(association=association, start__lte=end)
        .exclude(end__lt=start)
        .select_related("person", "appointed_by")
        .order_by("role", "person__name")
    ):
        if a.role in Appointment.BOARD_ROLES:
            found["board"].append(a)
        elif a.role in Appointment.AUDIT_ROLES:
            found["audit"].append(a)
        else:
            found["office"].append(a)
    order = [r for r, _ in Appointment.ROLES]
    for group in found.values():
        group.sort(key=lambda a: (order.index(a.role), a.person.name))
    return found


def organisation_table(found: dict[str, list[Appointment]]) -> Table | None:
    """Board, office and auditors of the year; None when nobody is registered (a
    table with a header and no rows tells the reader nothing)."""
    rows = [
        Row(a.person.name, [a.get_role_display(), a.appointed_by.name if a.appointed_by else ""])
        for group in ("board", "office", "audit")
        for a in found[group]
    ]
    if not rows:
        return None
    return Table(
        "Styrelse, kansli och revisorer",
        ["Uppdrag", "Utsedd av"],
        rows,
        unit=TEXT,
        sheet="Organisation",
        first_column="Namn",
    )


def _figure(value, unit: str) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f} {unit}".strip().replace(".", ",")


def goal_table(association: Association, year: int, *, follow_up: bool) -> Table | None:
    """The year's goals per area; with the result and the assessment in the annual
    report (`follow_up`), with the target only in the plan."""
    goals = list(
        Goal.objects.filter(association=association, year=year).order_by(
            "area", "sort_order", "pk"
        )
    )
    if not goals:
        return None
    areas = dict(Goal.AREAS)
    if not follow_up:
        return Table(
            f"Mål {year} per område",
            ["Område", "Målvärde"],
            [Row(g.text, [areas.get(g.area, g.area), _figure(g.target, g.unit)]) for g in goals],
            unit=TEXT,
            sheet="Mål",
            first_column="Mål",
        )
    rows = [
        Row(
            g.text,
            [
                areas.get(g.area, g.area),
                _figure(g.target, g.unit),
                _figure(g.result, g.unit),
                g.get_status_display() or "Ej bedömt",
                g.comment,
            ],
        )
        for g in goals
    ]
    return Table(
        f"Måluppfyllelse {year}",
        ["Område", "Målvärde", "Utfall", "Bedömning", "Kommentar"],
        rows,
        unit=TEXT,
        sheet="Mål",
        first_column="Mål",
    )


def decided_version(association: Association, year: int) -> BudgetVersion | None:
    return (
        BudgetVersion.objects.filter(
            budget__association=association, budget__year=year, status=BudgetVersion.DECIDED
        )
        .select_related("budget")
        .order_by("-number")
        .first()
    )


def escape_md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("#", "\\#")


def cover(association: Association) -> dict:
    """The cover's vision and contact lines."""
    a = association
    contact = [a.name]
    if getattr(a, "orgnr", ""):
        contact.append(f"Org.nr {a.orgnr}")
    address = ", ".join(
        x for x in (getattr(a, "address", ""), f"{a.postal_code} {a.city}".strip()) if x
    )
    if address:
        contact.append(address)
    for label, attr in (("Tel.", "phone"), ("E-post", "email"), ("Webb", "website")):
        value = getattr(a, attr, "")
        if value:
            contact.append(f"{label} {value}")
    return {"vision": a.vision or "", "contact": contact}


def staffing_text(staffing) -> str:
    """'1 avdelningschef (100 %), 4 rådgivare … (40 %)': an insats's staffing rows in
    one line, each role with its first letter in lower case (names keep theirs)."""
    parts = []
    for s in staffing:
        role = s.role[:1].lower() + s.role[1:]
        if s.count != 1:
            role = plural_role(role)
        parts.append(f"{s.count} {role} ({s.percent.normalize():f} %)".replace(".", ","))
    return ", ".join(parts)


# The plural of a role's head noun, by its ending: -are and -iker keep their form
# (2 rådgivare, 2 tekniker), -a becomes -or (sjuksköterskor), another -e takes -r,
# the rest take -er (coacher, arbetskonsulenter, kuratorer, ingenjörer).
_SAME = ("are", "iker")
_PREPOSITIONS = (" från ", " på ", " i ", " inom ", " för ", " vid ", " hos ", " med ")


def plural_role(role: str) -> str:
    """'coach' → 'coacher', 'rådgivare från X' → 'rådgivare från X': the role's
    head noun (the words before a preposition) in the plural."""
    cut = min((i for p in _PREPOSITIONS if (i := role.find(p)) > 0), default=len(role))
    head, rest = role[:cut], role[cut:]
    if not head or head.endswith(_SAME) or not head[-1].isalpha():
        return role
    if head.endswith("a"):
        head = head[:-1] + "or"
    elif head.endswith("e"):
        head += "r"
    else:
        head += "er"
    return head + rest


def counted(number: int, singular: str, plural: str) -> str:
    """'1 aktivitet', '3 aktiviteter': a count with the noun in the form Swedish uses."""
    return f"{number} {singular if number == 1 else plural}"
