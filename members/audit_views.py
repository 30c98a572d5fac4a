"""The change log (ändringslogg) as an auditor reads it: filtered by year, kind of
object and person, one object's history, paginated, and as a workbook."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from finsam.audit import kind_label, present
from finsam.forms import BoundedForm
from finsam.models import AuditEntry
from finsam.tenancy import READ, association_view
from finsam.xlsx import Sheet, rows_to_xlsx
from members import selectors

PAGE_SIZE = 50


class AuditFilter(BoundedForm, forms.Form):
    ar = forms.TypedChoiceField(label="År", required=False, coerce=int, empty_value=None)
    typ = forms.ChoiceField(label="Slags uppgift", required=False)
    person = forms.TypedChoiceField(label="Person", required=False, coerce=int, empty_value=None)
    objekt = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, association, **kwargs):
        super().__init__(*args, **kwargs)
        entries = AuditEntry.objects.filter(association=association)
        years = sorted(
            {y for y in entries.values_list("year", flat=True).distinct() if y}, reverse=True
        )
        self.fields["ar"].choices = [("", "Alla år"), *[(y, str(y)) for y in years]]
        kinds = sorted(
            {(kind_label(t), t) for t in entries.values_list("object_type", flat=True).distinct()}
        )
        self.fields["typ"].choices = [("", "Alla slags uppgifter"), *[(t, k) for k, t in kinds]]
        users = get_user_model().objects.filter(pk__in=entries.exclude(user=None).values("user"))
        self.fields["person"].choices = [
            ("", "Alla personer"),
            *[(u.pk, u.get_full_name() or u.get_username()) for u in users.order_by("username")],
        ]


def _filtered(request: HttpRequest):
    form = AuditFilter(request.GET or None, association=request.association)
    entries = selectors.audit_entries(association=request.association)
    title = "Ändringslogg"
    if form.is_valid():
        data = form.cleaned_data
        if data["ar"]:
            entries = entries.filter(year=data["ar"])
        if data["typ"]:
            entries = entries.filter(object_type=data["typ"])
        if data["person"]:
            entries = entries.filter(user_id=data["person"])
        if ":" in (data["objekt"] or ""):
            object_type, object_id = data["objekt"].rsplit(":", 1)
            entries = entries.filter(object_type=object_type, object_id=object_id)
            latest = entries.first()
            title = f"Historik: {latest.object_repr}" if latest else "Historik"
    return form, entries, title


@association_view(READ)
def audit_log(request: HttpRequest) -> HttpResponse:
    form, entries, title = _filtered(request)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "members/audit_log.html",
        {
            "form": form,
            "title": title,
            "page": page,
            "lines": present(list(page.object_list)),
            "query": query.urlencode(),
            "nav_section": "audit",
        },
    )


@association_view(READ)
def audit_log_xlsx(request: HttpRequest) -> HttpResponse:
    """The filtered log as a workbook: one row per changed field."""
    _, entries, title = _filtered(request)
    sheet = Sheet(
        title="Ändringslogg",
        header=["Tidpunkt", "Person", "Händelse", "Uppgift", "År", "Fält", "Före", "Efter"],
    )
    lines = present(list(entries))
    for line in lines:
        entry = line.entry
        base = [
            timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M"),
            entry.user.get_username() if entry.user else "(system)",
            entry.get_action_display(),
            line.what,
            entry.year,
        ]
        for change in line.changes or [None]:
            sheet.rows.append(
                [*base, *((change.label, change.before, change.after) if change else ("", "", ""))]
            )
    response = HttpResponse(
        rows_to_xlsx([sheet]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"{request.association.slug}-andringslogg.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
