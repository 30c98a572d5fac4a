"""The pages where kansli records the board's decisions: a budget version with its
plan, and the annual report (closing the year). Each shows what is missing before it
asks for the date and paragraph, and refuses on the field what cannot be right."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from finsam.forms import BoundedForm
from finsam.services import ServiceError


class DecisionForm(BoundedForm, forms.Form):
    decided_on = forms.DateField(
        label="Datum för styrelsens beslut",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Ange datum för beslutet.",
            "invalid": "Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2024-11-24.",
        },
    )
    paragraph = forms.CharField(
        label="Paragraf i protokollet",
        max_length=50,
        help_text="Till exempel § 45.",
        error_messages={"required": "Ange paragrafen i styrelsens protokoll."},
    )
    confirm = forms.BooleanField(
        label="Styrelsen har beslutat dokumentet så här, med det som saknas enligt listan ovan.",
        required=False,
    )

    def __init__(self, *args, latest: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].widget.attrs["max"] = (
            latest or timezone.localdate()
        ).isoformat()


def decision_page(
    request: HttpRequest,
    *,
    title: str,
    intro: str,
    checklist,
    previews: list[tuple[str, str]],
    submit: str,
    decide: Callable[[dict], str],
    back: str,
    breadcrumbs: list,
    nav_section: str,
    texts_url: str = "",
) -> HttpResponse:
    """GET: the checklist and the form. POST: `decide(cleaned_data)` runs the service
    and returns the success message; a refusal is shown on its field, what was typed
    kept."""
    form = DecisionForm(request.POST or None)
    if not checklist.warnings:
        form.fields.pop("confirm")
    if request.method == "POST" and form.is_valid():
        try:
            message = decide(form.cleaned_data)
        except ServiceError as exc:
            field = exc.field if exc.field in form.fields else None
            if exc.field == "checklist":
                field = None
            form.add_error(field, exc.message)
        else:
            messages.success(request, message)
            return redirect(back)
    return render(
        request,
        "reporting/decision.html",
        {
            "form": form,
            "title": title,
            "intro": intro,
            "checklist": checklist,
            "previews": previews,
            "texts_url": texts_url,
            "submit": submit,
            "back": back,
            "nav_section": nav_section,
            "breadcrumbs": breadcrumbs,
        },
        status=400 if form.errors else 200,
    )


def decision_made(
    request: HttpRequest, *, title: str, done: str, back: str, breadcrumbs: list, nav_section: str
) -> HttpResponse:
    """The decision page once the decision is made: it only says so."""
    return render(
        request,
        "reporting/decision.html",
        {
            "title": title,
            "done": done,
            "back": back,
            "nav_section": nav_section,
            "breadcrumbs": breadcrumbs,
        },
        status=200 if request.method == "GET" else 400,
    )
