"""Insatser pages: the filtered list, one insats with its money, staffing and follow-up,
and the kansli's forms for them (always through insatser.services)."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from budgets.selectors import insats_money
from finsam.forms import AmountField, BoundedForm, PercentField
from finsam.services import ServiceError, StaleEdit
from finsam.tenancy import EDIT, PUBLIC, READ, association_view, can_edit
from insatser import selectors, services
from insatser.charts import NOT_REPORTED, bar_chart
from insatser.models import Activity, EndReason, Insats, ParticipantBreakdown, Staffing
from members.forms import DateInput
from members.models import Association, Member


def _mark_invalid(form: forms.BaseForm) -> None:
    """Link each field with errors to its message, for screen readers."""
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"{name}-error"}
            )


class InsatsForm(BoundedForm, forms.ModelForm):
    """What the kansli records about an insats; its status moves by the status buttons."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Insats
        fields = [
            "name",
            "code",
            "kind",
            "members",
            "purpose",
            "target_group",
            "steering_group",
            "start",
            "end",
            "capacity",
            "published",
        ]
        widgets = {
            "members": forms.CheckboxSelectMultiple,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "target_group": forms.Textarea(attrs={"rows": 3}),
            "steering_group": forms.Textarea(attrs={"rows": 3}),
            "start": DateInput(),
            "end": DateInput(),
        }

    def __init__(self, *args, association: Association, **kwargs):
        super().__init__(*args, **kwargs)
        # Set before anything reads self.errors, so that validation never sees
        # another association's members.
        self.association = association
        self.fields["members"].queryset = Member.objects.filter(association=association)
        self.fields["members"].help_text = "Projektägare och utförare bland förbundets medlemmar."
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_code(self):
        # Checked here with the other fields, so that every error shows at once.
        code = (self.cleaned_data.get("code") or "").strip()
        taken = Insats.objects.filter(association=self.association, code=code)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if code and taken.exists():
            raise forms.ValidationError(f"Kortkoden {code} används redan.")
        return code

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            # An error on "end" also keeps the model's check constraint from repeating it.
            self.add_error("end", "Slutdatum kan inte ligga före startdatum.")
        return cleaned

    def data_for_service(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in self._meta.fields
            if name != "members" and name in self.cleaned_data
        }


def _done(request: HttpRequest, url: str, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _detail_url(request: HttpRequest, insats: Insats) -> str:
    return reverse(
        "insatser:insats_detail",
        kwargs={"slug": request.association.slug, "insats_id": insats.id},
    )


def _stale_values(exc: StaleEdit, form: forms.BaseForm) -> list[tuple[str, str]]:
    """The other person's saved values, labelled as in the form, for the stale message."""
    current = exc.current
    rows = []
    for name, field in form.fields.items():
        if name == "version" or not hasattr(current, name):
            continue
        if name == "members":
            value = ", ".join(m.name for m in current.members.all())
        elif hasattr(current, f"get_{name}_display"):
            value = getattr(current, f"get_{name}_display")()
        else:
            value = getattr(current, name)
        rows.append((str(field.label), "" if value is None else str(value)))
    return rows


def _insats_form(request: HttpRequest, insats: Insats | None) -> HttpResponse:
    # Taken before validation, which writes the posted values onto the instance.
    title = f"Ändra {insats.name}" if insats else "Ny insats"
    crumb = (insats.name, _detail_url(request, insats)) if insats else None
    form = InsatsForm(request.POST or None, instance=insats, association=request.association)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.insats_save(
                association=request.association,
                data=form.data_for_service(),
                members=list(form.cleaned_data["members"]),
                insats=insats,
                expected_version=form.cleaned_data.get("version"),
                by=request.user,
            )
        except StaleEdit as exc:
            stale = _stale_values(exc, form)
            form.add_error(None, exc.message)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return _done(request, _detail_url(request, saved), "Insatsen är sparad.")
    _mark_invalid(form)
    index_url = reverse("insatser:index", kwargs={"slug": request.association.slug})
    breadcrumbs = [("Insatser", index_url), *([crumb] if crumb else []), (title, None)]
    return render(
        request,
        "insatser/insats_form.html",
        {
            "form": form,
            "title": title,
            "stale": stale,
            "back_url": _detail_url(request, insats) if insats else index_url,
            "nav_section": "insatser",
            "breadcrumbs": breadcrumbs,
        },
        status=400 if request.method == "POST" else 200,
    )


@association_view(EDIT, methods=("GET", "POST"))
def insats_create(request: HttpRequest) -> HttpResponse:
    return _insats_form(request, None)


@association_view(EDIT, methods=("GET", "POST"))
def insats_edit(request: HttpRequest, insats_id: int) -> HttpResponse:
    insats = get_object_or_404(Insats, association=request.association, pk=insats_id)
    return _insats_form(request, insats)


class DecisionForm(BoundedForm, forms.Form):
    """The board's decision to fund the insats for a year."""

    decided_on = forms.DateField(label="Beslutsdatum", widget=DateInput())
    paragraph = forms.CharField(
        label="Protokollsparagraf", required=False, max_length=50, help_text="Till exempel § 12."
    )
    year = forms.IntegerField(label="År", min_value=2000, max_value=2100)
    amount = AmountField(label="Belopp (kr)")

    def __init__(self, *args, insats: Insats, **kwargs):
        super().__init__(*args, **kwargs)
        self.insats = insats
        self.fields["year"].help_text = f"Insatsens period: {insats.period_text()}."

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError("Beloppet måste vara större än noll.")
        return amount

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and (outside := self.insats.outside_period(year)):
            raise forms.ValidationError(f"Beslutet kan inte gälla {year}: {outside}")
        return year

    def clean(self):
        cleaned = super().clean()
        year, decided_on = cleaned.get("year"), cleaned.get("decided_on")
        if year is not None and (problem := services.decision_horizon_problem(decided_on, year)):
            self.add_error("year", problem)
        return cleaned


PERCENT_MESSAGE = "Andelen av heltid måste ligga mellan 0 och 100 procent."


class StaffingForm(BoundedForm, forms.Form):
    role = forms.CharField(label="Roll", max_length=100, help_text="Till exempel coach.")
    count = forms.IntegerField(
        label="Antal",
        min_value=1,
        initial=1,
        error_messages={"min_value": "Antalet måste vara minst 1."},
    )
    percent = PercentField(
        label="Procent av heltid",
        error_messages={"min_value": PERCENT_MESSAGE, "max_value": PERCENT_MESSAGE},
    )


class FilterForm(BoundedForm, forms.Form):
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
        {
            "form": form,
            "insatser": insatser,
            "can_edit": can_edit(request.role),
            "nav_section": "insatser",
        },
    )


class ActivityForm(BoundedForm, forms.Form):
    """An activity of a structural insats: counts only, no names of those who came."""

    date = forms.DateField(
        label="Datum", widget=DateInput(), required=False, help_text="Om det är känt."
    )
    year = forms.IntegerField(
        label="År",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="Räcker när datumet inte är känt.",
    )
    title = forms.CharField(
        label="Rubrik", max_length=200, help_text="Till exempel Dejt med en verkSAMhet."
    )
    kind = forms.ChoiceField(label="Slag", choices=Activity.KINDS)
    attendees = forms.IntegerField(
        label="Antal deltagare",
        min_value=0,
        error_messages={"min_value": "Antalet deltagare kan inte vara negativt."},
    )


def _shown(value: int | None) -> str:
    return NOT_REPORTED if value is None else str(value)


def _sum(*values: int | None) -> int | None:
    return None if any(v is None for v in values) else sum(values)


def _year_followup(stats) -> dict:
    """One year's figures as table rows and charts (from prefetched rows only)."""
    year = stats.year
    counts = [
        ("Totalt", stats.women_total, stats.men_total),
        ("Nya", stats.women_new, stats.men_new),
        ("Avslutade", stats.women_ended, stats.men_ended),
        ("Pågående", stats.women_ongoing, stats.men_ongoing),
    ]
    charts = [
        bar_chart(
            chart_id=f"deltagare-{year}",
            title=f"Deltagare {year} efter kön",
            rows=[(label, (women, men)) for label, women, men in counts],
        )
    ]
    reasons = {r.reason: r for r in stats.end_reasons.all()}
    if reasons:
        charts.append(
            bar_chart(
                chart_id=f"avslutsorsaker-{year}",
                title=f"Avslutsorsaker {year} efter kön",
                rows=[
                    (label, (reasons[key].women, reasons[key].men))
                    for key, label in EndReason.REASONS
                    if key in reasons
                ],
            )
        )
    breakdowns: dict[str, dict[str, object]] = {}
    for row in stats.breakdowns.all():
        breakdowns.setdefault(row.dimension, {})[row.category] = row
    before = breakdowns.get(ParticipantBreakdown.SUPPORT_BEFORE, {})
    after = breakdowns.get(ParticipantBreakdown.SUPPORT_AFTER, {})
    if before or after:
        charts.append(
            bar_chart(
                chart_id=f"forsorjning-{year}",
                title=f"Försörjning före och efter insatsen {year} (kvinnor och män)",
                series=("Före", "Efter"),
                rows=[
                    (
                        label,
                        tuple(
                            (side[key].women + side[key].men) if key in side else 0
                            for side in (before, after)
                        ),
                    )
                    for key, label in ParticipantBreakdown.SUPPORT
                    if key in before or key in after
                ],
            )
        )
    tables = []
    for dimension, label in ParticipantBreakdown.DIMENSIONS:
        rows = breakdowns.get(dimension)
        if rows:
            tables.append(
                {
                    "id": f"{dimension}-{year}",
                    "caption": f"{label} {year}",
                    "rows": [
                        (category_label, rows[key].women, rows[key].men)
                        for key, category_label in ParticipantBreakdown.CATEGORIES[dimension]
                        if key in rows
                    ],
                }
            )
    return {
        "stats": stats,
        "year": year,
        "women_total": _shown(stats.women_total),
        "men_total": _shown(stats.men_total),
        "new": stats.women_new + stats.men_new,
        "ended": stats.women_ended + stats.men_ended,
        "ongoing": _shown(_sum(stats.women_ongoing, stats.men_ongoing)),
        "charts": charts,
        "tables": tables,
    }


def _insats_or_404(request: HttpRequest, insats_id: int) -> Insats:
    insats = selectors.insats_detail(association=request.association, insats_id=insats_id)
    if insats is None:
        raise Http404("Insatsen finns inte.")
    return insats


def _detail_page(
    request: HttpRequest,
    insats: Insats,
    *,
    decision_form: DecisionForm | None = None,
    staffing_form: StaffingForm | None = None,
    activity_form: ActivityForm | None = None,
    status: int = 200,
) -> HttpResponse:
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
    editable = can_edit(request.role)
    this_year = datetime.date.today().year
    stats = list(insats.participant_stats.all())
    money_years = {y for y in years if insats.outside_period(y) is None}
    own_years = insats.own_years(this_year, {s.year for s in stats} | money_years)
    finished = insats.status in (Insats.AVSLUTAD, Insats.AVSLAGEN)
    # Money can only be decided for a granted or running insats; staffing ends with it.
    takes_decisions = insats.status in (Insats.BEVILJAD, Insats.PAGAENDE)
    if editable:
        if takes_decisions:
            default_year = min(max(this_year, own_years[0]), own_years[-1])
            decision_form = decision_form or DecisionForm(
                initial={"year": default_year, "decided_on": datetime.date.today()},
                insats=insats,
            )
            _mark_invalid(decision_form)
        if not finished:
            staffing_form = staffing_form or StaffingForm()
            _mark_invalid(staffing_form)
        if insats.kind == Insats.STRUKTUR or activity_form is not None:
            activity_form = activity_form or ActivityForm()
            _mark_invalid(activity_form)
    by_year = {s.year: s for s in stats}
    participant_years = [{"year": y, "stats": by_year.get(y)} for y in own_years]
    return render(
        request,
        "insatser/insats_detail.html",
        {
            "insats": insats,
            "money_rows": rows,
            "stats": stats,
            "participant_years": participant_years,
            "finished": finished,
            "takes_decisions": takes_decisions,
            "followup": [_year_followup(s) for s in stats],
            "activities": list(insats.activities.all()),
            "activity_form": activity_form if editable else None,
            "staffing": list(insats.staffing.all()),
            "transitions": transitions,
            "this_year": this_year,
            "can_edit": editable,
            "decision_form": decision_form if editable and takes_decisions else None,
            "staffing_form": staffing_form if editable and not finished else None,
            "nav_section": "insatser",
            "breadcrumbs": [
                ("Insatser", reverse("insatser:index", kwargs={"slug": request.association.slug})),
                (insats.name, None),
            ],
        },
        status=status,
    )


@association_view(READ)
def insats_detail(request: HttpRequest, insats_id: int) -> HttpResponse:
    return _detail_page(request, _insats_or_404(request, insats_id))


@association_view(EDIT, methods=("POST",))
def decision_add(request: HttpRequest, insats_id: int) -> HttpResponse:
    insats = _insats_or_404(request, insats_id)
    if insats.status not in (Insats.BEVILJAD, Insats.PAGAENDE):
        messages.error(request, "Medel kan bara beslutas för en beviljad eller pågående insats.")
        return redirect(_detail_url(request, insats))
    form = DecisionForm(request.POST, insats=insats)
    if form.is_valid():
        try:
            services.funding_decision_add(
                insats=insats,
                decided_on=form.cleaned_data["decided_on"],
                paragraph=form.cleaned_data["paragraph"],
                year=form.cleaned_data["year"],
                amount=form.cleaned_data["amount"],
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return _done(request, _detail_url(request, insats), "Beslutet om medel är sparat.")
    return _detail_page(request, insats, decision_form=form, status=400)


@association_view(EDIT, methods=("POST",))
def staffing_add(request: HttpRequest, insats_id: int) -> HttpResponse:
    insats = _insats_or_404(request, insats_id)
    if insats.status in (Insats.AVSLUTAD, Insats.AVSLAGEN):
        messages.error(request, "Insatsen är avslutad; bemanningen kan inte längre ändras.")
        return redirect(_detail_url(request, insats))
    form = StaffingForm(request.POST)
    if form.is_valid():
        try:
            services.staffing_save(
                insats=insats,
                role=form.cleaned_data["role"],
                count=form.cleaned_data["count"],
                percent=form.cleaned_data["percent"],
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return _done(request, _detail_url(request, insats), "Bemanningen är sparad.")
    return _detail_page(request, insats, staffing_form=form, status=400)


@association_view(EDIT, methods=("POST",))
def staffing_delete(request: HttpRequest, insats_id: int) -> HttpResponse:
    """The row's id comes in the form, so that the URL needs no staffing row to exist."""
    insats = _insats_or_404(request, insats_id)
    try:
        staffing_id = int(request.POST.get("staffing", ""))
    except ValueError:
        raise Http404("Bemanningsraden finns inte.") from None
    staffing = get_object_or_404(Staffing, insats=insats, pk=staffing_id)
    services.staffing_delete(insats=insats, staffing=staffing, by=request.user)
    return _done(
        request, _detail_url(request, insats), f"{staffing.role} är borttagen ur bemanningen."
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


def published_counts(*, total: int, ended: int, to_work: int) -> dict[str, str]:
    """What the public page may print of one year's participants (secondary suppression).

    No group under five may be read off the page, neither directly nor as the
    difference of two printed figures:
    - counts under five are "färre än 5";
    - the ended are hidden when the ongoing (participants − ended) are 1–4;
    - the share to work or studies is printed only when those who went there and
      those who did not (ended − to work) are both at least five: 6 ended of whom
      5 went to work gives no "83 %", as it would show the one who did not.
    """
    ended_text = _masked(ended)
    ongoing = total - ended
    if ended >= SMALL and 0 < ongoing < SMALL:
        ended_text = "–"
    share = "–"
    if ended_text != "–" and ended >= SMALL and to_work >= SMALL and ended - to_work >= SMALL:
        share = f"{round(to_work * 100 / ended)} %"
    return {"participants": _masked(total), "ended": ended_text, "share": share}


@association_view(PUBLIC, methods=("GET",))
def public_results(request: HttpRequest) -> HttpResponse:
    """Published individinsatser and their key results, for anyone, without log-in.

    Counts below five are masked, and no figure is printed from which a group under
    five could be derived (published_counts), so no participant can be singled out."""
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
            total = sum(services.participants(latest, prefix) for prefix in ("women", "men"))
            ended = latest.women_ended + latest.men_ended
            to_work = sum(
                r.women + r.men
                for r in latest.end_reasons.all()
                if r.reason in ("arbete", "studier")
            )
            entry.update(
                year=latest.year,
                participants_from_ended=any(
                    getattr(latest, f"{prefix}_total") is None for prefix in ("women", "men")
                ),
                **published_counts(total=total, ended=ended, to_work=to_work),
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


COUNT_ROWS = [
    ("total", "Totalt"),
    ("new", "Nya"),
    ("ended", "Avslutade"),
    ("ongoing", "Pågående"),
]


class StatsForm(BoundedForm, forms.Form):
    """Counts only: there is no field for a name or a personal identity number."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in COUNT_FIELDS:
            if name in services.OPTIONAL_COUNTS:
                self.fields[name] = forms.IntegerField(
                    label=label,
                    min_value=0,
                    required=False,
                    help_text="Lämna tomt om uppgiften inte redovisas.",
                )
            else:
                self.fields[name] = forms.IntegerField(
                    label=label,
                    min_value=0,
                    initial=0,
                    error_messages={"required": "Ange ett antal (0 om inga)."},
                )
        for reason, label in EndReason.REASONS:
            self.fields[f"reason_{reason}_women"] = forms.IntegerField(
                label=f"{label}, kvinnor", min_value=0, required=False
            )
            self.fields[f"reason_{reason}_men"] = forms.IntegerField(
                label=f"{label}, män", min_value=0, required=False
            )

    def clean(self):
        cleaned = super().clean()
        # The sums are checked even when a reason field is wrong, so that every
        # problem shows at once.
        if not any(name in self.errors for name, _ in COUNT_FIELDS):
            for problem in services.stats_problems(self.counts(), self.reasons()):
                self.add_error(None, problem)
        return cleaned

    def count_rows(self) -> list[tuple[str, list]]:
        """The counts laid out as a table: rows = measure, columns = kvinnor, män."""
        return [
            (label, [self[f"{gender}_{measure}"] for gender in ("women", "men")])
            for measure, label in COUNT_ROWS
        ]

    def reason_rows(self) -> list[tuple[str, list]]:
        return [
            (label, [self[f"reason_{reason}_{gender}"] for gender in ("women", "men")])
            for reason, label in EndReason.REASONS
        ]

    def counts(self) -> dict[str, int | None]:
        return {name: self.cleaned_data.get(name) for name, _ in COUNT_FIELDS}

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
    outside = insats.outside_period(year)
    if outside and stats is None:
        messages.error(request, f"Deltagare kan inte registreras för {year}: {outside}")
        return redirect(_detail_url(request, insats))
    initial = {"version": 0}  # 0: nothing was saved when the form was opened
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
    _mark_invalid(form)
    return render(
        request,
        "insatser/stats_form.html",
        {
            "form": form,
            "insats": insats,
            "year": year,
            "title": f"Deltagare {year}: {insats.name}",
            "back_url": detail,
            "nav_section": "insatser",
            "breadcrumbs": [
                ("Insatser", reverse("insatser:index", kwargs={"slug": request.association.slug})),
                (insats.name, detail),
                (f"Deltagare {year}", None),
            ],
        },
        status=400 if form.errors else 200,
    )


class BreakdownForm(BoundedForm, forms.Form):
    """One number input per dimension, category and gender: counts only, no names."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for dimension, dimension_label in ParticipantBreakdown.DIMENSIONS:
            for category, label in ParticipantBreakdown.CATEGORIES[dimension]:
                for gender, gender_label in services.GENDERS:
                    self.fields[f"{dimension}__{category}__{gender}"] = forms.IntegerField(
                        label=f"{dimension_label}, {label.lower()}, {gender_label}",
                        min_value=0,
                        required=False,
                        error_messages={"min_value": "Antalet får inte vara negativt."},
                    )

    def tables(self) -> list[dict]:
        """The inputs laid out per dimension: rows = categories, columns = kvinnor, män."""
        result = []
        for dimension, dimension_label in ParticipantBreakdown.DIMENSIONS:
            rows = [
                (
                    label,
                    [self[f"{dimension}__{category}__{gender}"] for gender, _ in services.GENDERS],
                )
                for category, label in ParticipantBreakdown.CATEGORIES[dimension]
            ]
            result.append({"dimension": dimension, "label": dimension_label, "rows": rows})
        return result

    def dimensions(self) -> dict[str, dict[str, tuple[int, int]]]:
        return {
            dimension: {
                category: tuple(
                    self.cleaned_data.get(f"{dimension}__{category}__{gender}") or 0
                    for gender, _ in services.GENDERS
                )
                for category, _ in ParticipantBreakdown.CATEGORIES[dimension]
            }
            for dimension, _ in ParticipantBreakdown.DIMENSIONS
        }


@association_view(EDIT)
def breakdown_edit(request: HttpRequest, insats_id: int, year: int) -> HttpResponse:
    """Support before and after, time in support, age and education for one year."""
    insats = _insats_or_404(request, insats_id)
    stats = next((s for s in insats.participant_stats.all() if s.year == year), None)
    initial: dict[str, int] = {}
    if stats is not None:
        initial["version"] = stats.version
        for row in stats.breakdowns.all():
            initial[f"{row.dimension}__{row.category}__women"] = row.women
            initial[f"{row.dimension}__{row.category}__men"] = row.men
    form = BreakdownForm(request.POST or None, initial=initial)
    if request.method == "POST" and stats is None:
        form.is_valid()
        form.add_error(None, f"Registrera först deltagarna för {year}.")
    elif request.method == "POST" and form.is_valid():
        try:
            services.breakdowns_save(
                stats=stats,
                dimensions=form.dimensions(),
                expected_version=form.cleaned_data.get("version"),
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return _done(
                request, _detail_url(request, insats), f"Fördelningarna för {year} är sparade."
            )
    _mark_invalid(form)
    return render(
        request,
        "insatser/breakdown_form.html",
        {
            "form": form,
            "insats": insats,
            "stats": stats,
            "year": year,
            "followup": _year_followup(stats) if stats is not None else None,
            "title": f"Fördelning av deltagare {year}: {insats.name}",
            "nav_section": "insatser",
            "breadcrumbs": [
                ("Insatser", reverse("insatser:index", kwargs={"slug": request.association.slug})),
                (insats.name, _detail_url(request, insats)),
                (f"Fördelning {year}", None),
            ],
        },
        status=400 if form.errors else 200,
    )


@association_view(EDIT, methods=("POST",))
def activity_add(request: HttpRequest, insats_id: int) -> HttpResponse:
    insats = _insats_or_404(request, insats_id)
    form = ActivityForm(request.POST)
    if form.is_valid():
        try:
            services.activity_save(
                insats=insats,
                date=form.cleaned_data["date"],
                year=form.cleaned_data["year"],
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                attendees=form.cleaned_data["attendees"],
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return _done(request, _detail_url(request, insats), "Aktiviteten är sparad.")
    return _detail_page(request, insats, activity_form=form, status=400)


@association_view(EDIT, methods=("POST",))
def activity_delete(request: HttpRequest, insats_id: int) -> HttpResponse:
    """The activity's id comes in the form, so that the URL needs no activity to exist."""
    insats = _insats_or_404(request, insats_id)
    try:
        activity_id = int(request.POST.get("activity", ""))
    except ValueError:
        raise Http404("Aktiviteten finns inte.") from None
    activity = get_object_or_404(Activity, insats=insats, pk=activity_id)
    try:
        services.activity_delete(insats=insats, activity=activity, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(_detail_url(request, insats))
    return _done(request, _detail_url(request, insats), f"{activity.title} är borttagen.")
