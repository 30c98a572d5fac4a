"""Insatser pages: the filtered list and one insats with its money and follow-up."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from budgets.selectors import insats_money
from finsam.services import ServiceError
from finsam.tenancy import EDIT, PUBLIC, READ, association_view, can_edit
from insatser import selectors, services
from insatser.models import Insats
from members.models import Member


class FilterForm(forms.Form):
    ar = forms.IntegerField(label="År", required=False, min_value=2000, max_value=2100)
    slag = forms.ChoiceField(label="Slag", required=False, choices=[("", "Alla"), *Insats.KINDS])
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Alla"), *Insats.STATUSES]
    )
    medlem = forms.ModelChoiceField(
        label="Medlem", required=False, queryset=Member.objects.none(), empty_label="Alla"
    )


@association_view(READ)
def index(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    form.fields["medlem"].queryset = Member.objects.filter(association=request.association)
    filters = form.cleaned_data if form.is_valid() else {}
    insatser = list(
        selectors.insatser_filtered(
            association=request.association,
            kind=filters.get("slag") or "",
            status=filters.get("status") or "",
            member_id=filters["medlem"].id if filters.get("medlem") else None,
            year=filters.get("ar"),
        )
    )
    template = "insatser/index.html#results" if request.htmx else "insatser/index.html"
    return render(
        request,
        template,
        {"form": form, "insatser": insatser, "nav_section": "insatser"},
    )


@association_view(READ)
def insats_detail(request: HttpRequest, insats_id: int) -> HttpResponse:
    insats = selectors.insats_detail(association=request.association, insats_id=insats_id)
    if insats is None:
        raise Http404("Insatsen finns inte.")
    money = insats_money(association=request.association, insats_ids=[insats.id]).get(
        insats.id, {}
    )
    granted = {}
    for decision in insats.decisions.all():
        granted[decision.year] = granted.get(decision.year, 0) + decision.amount
    years = sorted(set(money) | set(granted))
    rows = []
    for year in years:
        m = money.get(year)
        grant = granted.get(year, m.budget if m else None)
        outcome = m.outcome if m else None
        rows.append(
            {
                "year": year,
                "granted": grant,
                "granted_by_decision": year in granted,
                "outcome": outcome,
                "remaining": grant - outcome
                if grant is not None and outcome is not None
                else None,
            }
        )
    transitions = [
        (s, label) for s, label in Insats.STATUSES if s in Insats.TRANSITIONS[insats.status]
    ]
    return render(
        request,
        "insatser/insats_detail.html",
        {
            "insats": insats,
            "money_rows": rows,
            "stats": list(insats.participant_stats.all()),
            "transitions": transitions,
            "can_edit": can_edit(request.role),
            "nav_section": "insatser",
            "breadcrumbs": [
                ("Insatser", reverse("insatser:index", kwargs={"slug": request.association.slug})),
                (insats.name, None),
            ],
        },
    )


@association_view(EDIT, methods=("POST",))
def insats_status(request: HttpRequest, insats_id: int) -> HttpResponse:
    insats = selectors.insats_detail(association=request.association, insats_id=insats_id)
    if insats is None:
        raise Http404("Insatsen finns inte.")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.insats_set_status(
            insats=insats,
            status=request.POST.get("status", ""),
            expected_version=version,
            by=request.user,
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Insatsens status är ändrad.")
    return redirect("insatser:insats_detail", slug=request.association.slug, insats_id=insats.id)


SMALL = 5  # counts below this are shown as "färre än 5"


def _masked(count: int) -> str:
    return "färre än 5" if 0 < count < SMALL else str(count)


@association_view(PUBLIC, methods=("GET",))
def public_results(request: HttpRequest) -> HttpResponse:
    """Published individinsatser and their key results, for anyone, without log-in.

    Counts below five are masked, and a share is shown only when both its parts are
    at least five, so that no participant can be singled out."""
    insatser = list(
        Insats.objects.filter(
            association=request.association, published=True, kind=Insats.INDIVID
        ).prefetch_related("participant_stats__end_reasons", "decisions")
    )
    money = insats_money(association=request.association, insats_ids=[i.id for i in insatser])
    rows = []
    for insats in insatser:
        stats = sorted(insats.participant_stats.all(), key=lambda s: s.year)
        latest = stats[-1] if stats else None
        entry = {
            "insats": insats,
            "year": None,
            "money_year": None,
            "granted": None,
            "spent": None,
        }
        if latest is not None:
            total = latest.women_total + latest.men_total
            ended = latest.women_ended + latest.men_ended
            to_work = sum(
                r.women + r.men
                for r in latest.end_reasons.all()
                if r.reason in ("arbete", "studier")
            )
            entry.update(
                year=latest.year,
                participants=_masked(total),
                ended=_masked(ended),
                share=(
                    f"{round(to_work * 100 / ended)} %"
                    if ended >= SMALL and to_work >= SMALL
                    else "–"
                ),
            )
        years = money.get(insats.id, {})
        latest_money_year = max(years) if years else None
        if latest_money_year is not None:
            m = years[latest_money_year]
            decided = sum(
                (d.amount for d in insats.decisions.all() if d.year == latest_money_year), 0
            )
            entry.update(
                money_year=latest_money_year,
                granted=decided or m.budget,
                spent=m.outcome,
            )
        rows.append(entry)
    return render(request, "insatser/public_results.html", {"rows": rows})
