"""The goals of each year's verksamhetsplan: the list per year with the follow-up, and
the kansli's form for a goal (always through insatser.goal_services)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from budgets.models import FiscalYear
from finsam.forms import BoundedForm, strip_percent
from finsam.services import ServiceError, StaleEdit
from finsam.tenancy import EDIT, READ, association_view, can_edit
from insatser.goal_services import goal_delete, goal_save, goals_copy
from insatser.models import Goal, Insats
from members.models import Association

NOT_ASSESSED = "ej_bedomt"


class FigureField(forms.DecimalField):
    """A target or result: accepts a Swedish decimal comma and spaces between thousands."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("required", False)
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        value = strip_percent(value)  # "20 %" as the application prints it
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "").replace(",", ".")
            try:
                Decimal(value or "0")
            except InvalidOperation:
                raise forms.ValidationError("Ange ett tal, t.ex. 12,5.", code="invalid") from None
        return super().to_python(value)


class GoalForm(BoundedForm, forms.Form):
    area = forms.ChoiceField(label="Område", choices=Goal.AREAS)
    text = forms.CharField(
        label="Mål",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Skriv vad målet är."},
    )
    target = FigureField(label="Målvärde", help_text="Lämna tomt för ett mål utan siffra.")
    unit = forms.CharField(
        label="Enhet", required=False, max_length=40, help_text="T.ex. procent eller deltagare."
    )
    result = FigureField(label="Utfall", help_text="Fylls i vid uppföljningen.")
    status = forms.ChoiceField(
        label="Bedömning", required=False, choices=[("", "Ej bedömt"), *Goal.STATUSES]
    )
    comment = forms.CharField(
        label="Kommentar", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    insatser = forms.ModelMultipleChoiceField(
        label="Insatser som målet gäller",
        required=False,
        queryset=Insats.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Välj bland förbundets egna insatser."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, association: Association, **kwargs):
        super().__init__(*args, **kwargs)
        # Set before anything reads self.errors, so that validation never sees
        # another association's insatser.
        self.fields["insatser"].queryset = Insats.objects.filter(association=association)

    def data_for_service(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("area", "text", "target", "unit", "result", "status", "comment")
        }


def _mark_invalid(form: forms.BaseForm) -> None:
    """Link each field with errors to its message, for screen readers."""
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"{name}-error"}
            )


def _stale_values(goal: Goal, form: GoalForm) -> list[tuple[str, str]]:
    """The other person's saved values, labelled as in the form."""
    values = {
        "area": goal.get_area_display(),
        "text": goal.text,
        "target": goal.target,
        "unit": goal.unit,
        "result": goal.result,
        "status": goal.get_status_display() or "Ej bedömt",
        "comment": goal.comment,
        "insatser": ", ".join(i.name for i in goal.insatser.all()),
    }
    return [
        (str(form.fields[name].label), "" if value is None else str(value))
        for name, value in values.items()
    ]


def _list_url(request: HttpRequest, year: int) -> str:
    return reverse("insatser:goal_list", kwargs={"slug": request.association.slug, "year": year})


def _done(request: HttpRequest, url: str, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def goals_for_year(*, association: Association, year: int) -> list[Goal]:
    area_order = {code: n for n, (code, _) in enumerate(Goal.AREAS)}
    goals = Goal.objects.filter(association=association, year=year).prefetch_related("insatser")
    return sorted(goals, key=lambda g: (area_order.get(g.area, 99), g.sort_order, g.pk))


def _grouped(goals: list[Goal]) -> list[dict]:
    by_area: dict[str, list[Goal]] = {}
    for goal in goals:
        by_area.setdefault(goal.area, []).append(goal)
    return [
        {"code": code, "label": label, "goals": by_area[code]}
        for code, label in Goal.AREAS
        if code in by_area
    ]


def _status_counts(goals: list[Goal]) -> list[dict]:
    counts = {code: 0 for code, _ in Goal.STATUSES} | {NOT_ASSESSED: 0}
    for goal in goals:
        counts[goal.status or NOT_ASSESSED] += 1
    labels = [*Goal.STATUSES, (NOT_ASSESSED, "Ej bedömt")]
    return [{"code": code, "label": label, "count": counts[code]} for code, label in labels]


class YearForm(BoundedForm, forms.Form):
    ar = forms.IntegerField(label="År", min_value=2000, max_value=2100)


@association_view(READ, methods=("GET",))
def goal_index(request: HttpRequest) -> HttpResponse:
    """The newest year with goals, this year when there are none, or the year asked for
    (?ar=): shown rather than redirected to, so that the address answers 200 like every
    other page (the authorisation walk expects that of a GET view)."""
    asked = YearForm(request.GET) if "ar" in request.GET else None
    if asked is not None and asked.is_valid():
        return _list_page(request, asked.cleaned_data["ar"])
    newest = (
        Goal.objects.filter(association=request.association)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return _list_page(
        request,
        newest if newest is not None else datetime.date.today().year,
        asked=asked,
    )


@association_view(READ, methods=("GET",))
def goal_list(request: HttpRequest, year: int) -> HttpResponse:
    return _list_page(request, year)


def _list_page(request: HttpRequest, year: int, asked: YearForm | None = None) -> HttpResponse:
    goals = goals_for_year(association=request.association, year=year)
    goal_years = set(
        Goal.objects.filter(association=request.association)
        .order_by("year")
        .values_list("year", flat=True)
        .distinct()
    )
    this_year = datetime.date.today().year
    # The years with goals and the plan years ahead, so that next year's plan can start.
    years = sorted(goal_years | {year, this_year, this_year + 1})
    closed = FiscalYear.objects.filter(
        association=request.association, year=year, closed_on__isnull=False
    ).exists()
    earlier = [y for y in goal_years if y < year]
    slug = request.association.slug
    return render(
        request,
        "insatser/goal_list.html",
        {
            "year": year,
            "years": years,
            "year_form": asked or YearForm(initial={"ar": year}),
            "closed": closed,
            "copy_from": max(earlier) if earlier and not goals and not closed else None,
            "areas": _grouped(goals),
            "goal_count": len(goals),
            "status_counts": _status_counts(goals),
            "can_edit": can_edit(request.role),
            "nav_section": "insatser",
            "breadcrumbs": [
                ("Insatser", reverse("insatser:index", kwargs={"slug": slug})),
                ("Mål", reverse("insatser:goal_index", kwargs={"slug": slug})),
                (str(year), None),
            ],
        },
    )


@association_view(EDIT, methods=("POST",))
def goal_copy(request: HttpRequest, year: int) -> HttpResponse:
    """Start the year's goals from an earlier year's (the kansli edits them after)."""
    form = YearForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ange vilket år målen ska kopieras från.")
        return redirect(_list_url(request, year))
    source = form.cleaned_data["ar"]
    try:
        copied = goals_copy(
            association=request.association, from_year=source, to_year=year, by=request.user
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(_list_url(request, year))
    return _done(
        request,
        _list_url(request, year),
        f"{len(copied)} mål är kopierade från {source}. Ändra det som ska vara nytt för {year}.",
    )


def _closed_message(year: int) -> str:
    return f"Räkenskapsåret {year} är stängt; dess mål kan inte längre ändras."


def _goal_form(request: HttpRequest, *, year: int, goal: Goal | None) -> HttpResponse:
    initial = {}
    if goal is not None:
        initial = {
            name: getattr(goal, name)
            for name in ("area", "text", "target", "unit", "result", "status", "comment")
        }
        initial["insatser"] = list(goal.insatser.all())
        initial["version"] = goal.version
    form = GoalForm(request.POST or None, initial=initial, association=request.association)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.data_for_service()
        if goal is None:
            data["year"] = year
        try:
            goal_save(
                association=request.association,
                data=data,
                insatser=list(form.cleaned_data["insatser"]),
                goal=goal,
                expected_version=form.cleaned_data.get("version"),
                by=request.user,
            )
        except StaleEdit as exc:
            stale = _stale_values(exc.current, form)
            form.add_error(None, exc.message)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return _done(request, _list_url(request, year), "Målet är sparat.")
    _mark_invalid(form)
    slug = request.association.slug
    title = f"Ändra mål för {year}" if goal else f"Nytt mål för {year}"
    return render(
        request,
        "insatser/goal_form.html",
        {
            "form": form,
            "goal": goal,
            "title": title,
            "stale": stale,
            "back_url": _list_url(request, year),
            "nav_section": "insatser",
            "breadcrumbs": [
                ("Insatser", reverse("insatser:index", kwargs={"slug": slug})),
                ("Mål", reverse("insatser:goal_index", kwargs={"slug": slug})),
                (str(year), _list_url(request, year)),
                (title, None),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@association_view(EDIT, methods=("GET", "POST"))
def goal_create(request: HttpRequest, year: int) -> HttpResponse:
    closed = FiscalYear.objects.filter(
        association=request.association, year=year, closed_on__isnull=False
    ).exists()
    if closed and request.method == "GET":
        # Said before the form is filled, not after.
        messages.error(request, _closed_message(year))
        return redirect(_list_url(request, year))
    return _goal_form(request, year=year, goal=None)


@association_view(EDIT, methods=("GET", "POST"))
def goal_edit(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = get_object_or_404(Goal, association=request.association, pk=goal_id)
    if request.method == "POST" and request.POST.get("action") == "delete":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            goal_delete(goal=goal, expected_version=version, by=request.user)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("insatser:goal_edit", slug=request.association.slug, goal_id=goal.pk)
        return _done(request, _list_url(request, goal.year), "Målet är borttaget.")
    return _goal_form(request, year=goal.year, goal=goal)
