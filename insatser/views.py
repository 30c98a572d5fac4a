"""Insatser pages: the filtered list and one insats with its money and follow-up."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from budgets.selectors import insats_money
from finsam.services import ServiceError
from finsam.tenancy import EDIT, PUBLIC, READ, association_view, can_edit
from insatser import selectors, services
from insatser.models import EndReason, Insats
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
            "this_year": datetime.date.today().year,
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


COUNT_FIELDS = [
    ("women_total", "Kvinnor totalt"),
    ("men_total", "Män totalt"),
    ("women_new", "Nya kvinnor"),
    ("men_new", "Nya män"),
    ("women_ended", "Avslutade kvinnor"),
    ("men_ended", "Avslutade män"),
    ("women_ongoing", "Pågående kvinnor"),
    ("men_ongoing", "Pågående män"),
]


class StatsForm(forms.Form):
    """Counts only: there is no field for a name or a personal identity number."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in COUNT_FIELDS:
            self.fields[name] = forms.IntegerField(label=label, min_value=0, initial=0)
        for reason, label in EndReason.REASONS:
            self.fields[f"reason_{reason}_women"] = forms.IntegerField(
                label=f"{label}, kvinnor", min_value=0, required=False
            )
            self.fields[f"reason_{reason}_men"] = forms.IntegerField(
                label=f"{label}, män", min_value=0, required=False
            )
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{name}-error"}
                )

    def counts(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name, _ in COUNT_FIELDS}

    def reasons(self) -> dict[str, tuple[int, int]]:
        result = {}
        for reason, _ in EndReason.REASONS:
            women = self.cleaned_data.get(f"reason_{reason}_women") or 0
            men = self.cleaned_data.get(f"reason_{reason}_men") or 0
            if women or men:
                result[reason] = (women, men)
        return result


@association_view(EDIT)
def stats_edit(request: HttpRequest, insats_id: int, year: int) -> HttpResponse:
    insats = selectors.insats_detail(association=request.association, insats_id=insats_id)
    if insats is None:
        raise Http404("Insatsen finns inte.")
    stats = next((s for s in insats.participant_stats.all() if s.year == year), None)
    initial = {}
    if stats is not None:
        initial = {name: getattr(stats, name) for name, _ in COUNT_FIELDS}
        initial["version"] = stats.version
        for r in stats.end_reasons.all():
            initial[f"reason_{r.reason}_women"] = r.women
            initial[f"reason_{r.reason}_men"] = r.men
    form = StatsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_stats_save(
                insats=insats,
                year=year,
                counts=form.counts(),
                reasons=form.reasons(),
                expected_version=form.cleaned_data.get("version"),
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Deltagarstatistiken för {year} är sparad.")
            return redirect(
                "insatser:insats_detail", slug=request.association.slug, insats_id=insats.id
            )
    detail = reverse(
        "insatser:insats_detail",
        kwargs={"slug": request.association.slug, "insats_id": insats.id},
    )
    return render(
        request,
        "members/object_form.html",
        {
            "form": form,
            "title": f"Deltagare {year}: {insats.name}",
            "nav_section": "insatser",
            "breadcrumbs": [(insats.name, detail), (f"Deltagare {year}", None)],
        },
        status=400 if form.errors else 200,
    )
