"""The documents as pages, PDFs and workbooks; their texts; the auditors' page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from budgets.models import Actual, Budget, BudgetVersion, FiscalYear
from finsam.services import ServiceError, StaleEdit
from finsam.tenancy import DOWNLOAD, EDIT, READ, association_view, can_edit
from reporting import documents, services
from reporting import render as rendering
from reporting.models import AR, VP, DecidedDocument, NarrativeSection

KINDS = {
    "arsredovisning": ("Årsredovisning", AR),
    "verksamhetsplan": ("Verksamhetsplan och budget", VP),
    "bokslut": ("Resultaträkning, balansräkning, kassaflödesanalys och driftredovisning", None),
    "uppfoljning": ("Budgetuppföljning", None),
}
FORMATS = {
    "pdf": "PDF",
    "pdf-a": "PDF/A-2b (arkiv)",
    "pdf-ua": "PDF/UA-1 (skärmläsare)",
    "xlsx": "Excel",
}


def _url(name: str, request: HttpRequest, **kwargs) -> str:
    return reverse(f"reporting:{name}", kwargs={"slug": request.association.slug, **kwargs})


def _last_month(request: HttpRequest, year: int) -> int:
    months = Actual.objects.filter(line__association=request.association, year=year).values_list(
        "month", flat=True
    )
    return max(months, default=12)


def _build(request: HttpRequest, kind: str, year: int) -> documents.Document:
    association = request.association
    if kind == "arsredovisning":
        return documents.annual_report(association, year)
    if kind == "verksamhetsplan":
        return documents.plan(association, year)
    if kind == "bokslut":
        return documents.statements(association, year)
    month = request.GET.get("manad", "")
    month = int(month) if month.isdigit() and 1 <= int(month) <= 12 else _last_month(request, year)
    return documents.follow_up(association, year, month)


@association_view(READ)
def index(request: HttpRequest) -> HttpResponse:
    association = request.association
    budget_years = set(
        Budget.objects.filter(association=association).values_list("year", flat=True)
    )
    fiscal = {fy.year: fy for fy in FiscalYear.objects.filter(association=association)}
    decided = list(DecidedDocument.objects.filter(association=association).defer("pdf"))
    years = sorted(budget_years | set(fiscal), reverse=True)
    rows = []
    for year in years:
        entries = []
        if year in budget_years:
            entries.append(("verksamhetsplan", f"Verksamhetsplan och budget {year}"))
            entries.append(("uppfoljning", f"Budgetuppföljning {year}"))
        if year in fiscal:
            entries.append(("arsredovisning", f"Årsredovisning {year}"))
            entries.append(("bokslut", f"Bokslutets rapporter {year}"))
        rows.append((year, entries))
    return render(
        request,
        "reporting/documents_index.html",
        {
            "rows": rows,
            "decided": decided,
            "can_edit": can_edit(request.role),
            "nav_section": "documents",
            "breadcrumbs": [("Dokument", None)],
        },
    )


def _document_page(kind: str):
    @association_view(READ)
    def view(request: HttpRequest, year: int) -> HttpResponse:
        doc = _build(request, kind, year)
        stored = None
        if KINDS[kind][1] and kind in ("arsredovisning", "verksamhetsplan") and doc.is_decided:
            stored = (
                DecidedDocument.objects.filter(
                    association=request.association, document=KINDS[kind][1], year=year
                )
                .defer("pdf")
                .order_by("-created_at")
                .first()
            )
        return render(
            request,
            "reporting/document.html",
            {
                "doc": doc,
                "kind": kind,
                "formats": [
                    (f, label, _url(f"document_{kind}_{f}", request, year=year))
                    for f, label in FORMATS.items()
                ],
                "stored": stored,
                "texts_url": _url(f"texts_{kind}", request, year=year)
                if kind in ("arsredovisning", "verksamhetsplan") and can_edit(request.role)
                else None,
                "logo_uri": rendering.logo_uri(request.association),
                "nav_section": "documents",
                "breadcrumbs": [("Dokument", _url("documents", request)), (doc.title, None)],
            },
        )

    view.__name__ = f"document_{kind}"
    return view


def _document_download(kind: str, fmt: str):
    @association_view(DOWNLOAD, methods=["GET", "HEAD"])
    def view(request: HttpRequest, year: int) -> HttpResponse:
        name = f"{request.association.slug}-{kind}-{year}"
        if fmt == "xlsx":
            doc = _build(request, kind, year)
            response = HttpResponse(
                rendering.xlsx_bytes(doc),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
            return response
        document = KINDS[kind][1]
        if fmt in ("pdf", "pdf-a") and kind in ("arsredovisning", "verksamhetsplan"):
            stored = services.decided_pdf(
                association=request.association, document=document, year=year, by=request.user
            )
            if stored is not None:
                response = HttpResponse(bytes(stored.pdf), content_type="application/pdf")
                response["Content-Disposition"] = f'attachment; filename="{name}-beslutad.pdf"'
                response["X-Content-SHA256"] = stored.sha256
                return response
        doc = _build(request, kind, year)
        suffix = {"pdf": "", "pdf-a": "-pdfa", "pdf-ua": "-pdfua"}[fmt]
        pdf = rendering.pdf_bytes(doc, rendering.VARIANTS[fmt])
        response = HttpResponse(pdf, content_type="application/pdf")
        status = "" if doc.is_decided else "-utkast"
        response["Content-Disposition"] = f'attachment; filename="{name}{status}{suffix}.pdf"'
        return response

    view.__name__ = f"document_{kind}_{fmt}"
    return view


document_views = {kind: _document_page(kind) for kind in KINDS}
download_views = {(kind, fmt): _document_download(kind, fmt) for kind in KINDS for fmt in FORMATS}


def _texts(kind: str):
    document = KINDS[kind][1]

    @association_view(EDIT)
    def view(request: HttpRequest, year: int) -> HttpResponse:
        association = request.association
        stored = {
            n.key: n
            for n in NarrativeSection.objects.filter(
                association=association, document=document, year__in=[year, year - 1]
            )
            if n.year == year
        }
        previous = set(
            NarrativeSection.objects.filter(
                association=association, document=document, year=year - 1
            )
            .exclude(body="")
            .values_list("key", flat=True)
        )
        errors: dict[str, str] = {}
        typed: dict[str, str] = {}
        if request.method == "POST":
            key = request.POST.get("key", "")
            action = request.POST.get("action", "save")
            try:
                if action == "copy":
                    services.narrative_copy_previous(
                        association=association,
                        document=document,
                        year=year,
                        key=key,
                        by=request.user,
                    )
                    messages.success(
                        request,
                        f"Texten från {year - 1} är inläst; ändra den så att den stämmer för {year}.",
                    )
                else:
                    version = request.POST.get("version", "")
                    services.narrative_save(
                        association=association,
                        document=document,
                        year=year,
                        key=key,
                        body=request.POST.get("body", ""),
                        expected_version=int(version) if version.isdigit() else None,
                        by=request.user,
                    )
                    messages.success(
                        request,
                        f"Texten ”{documents.NARRATIVE_TITLES[document].get(key, key)}” är sparad.",
                    )
            except StaleEdit as exc:
                errors[key] = exc.message
                typed[key] = request.POST.get("body", "")
            except ServiceError as exc:
                errors[key] = exc.message
                typed[key] = request.POST.get("body", "")
            else:
                return redirect(f"{_url(f'texts_{kind}', request, year=year)}#text-{key}")
        sections = [
            {
                "key": key,
                "title": title,
                "body": typed.get(key, stored[key].body if key in stored else ""),
                "version": stored[key].version if key in stored else 0,
                "error": errors.get(key),
                "has_previous": key in previous,
            }
            for key, title in documents.NARRATIVES[document]
        ]
        return render(
            request,
            "reporting/texts.html",
            {
                "sections": sections,
                "year": year,
                "title": f"Texter i {KINDS[kind][0].lower()} {year}",
                "document_url": _url(f"document_{kind}", request, year=year),
                "nav_section": "documents",
                "breadcrumbs": [
                    ("Dokument", _url("documents", request)),
                    (f"{KINDS[kind][0]} {year}", _url(f"document_{kind}", request, year=year)),
                    ("Texter", None),
                ],
            },
            status=400 if errors else 200,
        )

    view.__name__ = f"texts_{kind}"
    return view


text_views = {kind: _texts(kind) for kind in ("arsredovisning", "verksamhetsplan")}


@association_view(DOWNLOAD)
def auditors(request: HttpRequest) -> HttpResponse:
    """Every decided document of the association, for download, with its hash."""
    association = request.association
    stored = list(DecidedDocument.objects.filter(association=association).defer("pdf"))
    have = {(d.document, d.year) for d in stored}
    pending = []
    for fy in FiscalYear.objects.filter(association=association, closed_on__isnull=False):
        if (AR, fy.year) not in have:
            pending.append(("arsredovisning", f"Årsredovisning {fy.year}", fy.year, fy.closed_on))
    for v in BudgetVersion.objects.filter(
        budget__association=association, status=BudgetVersion.DECIDED
    ).select_related("budget"):
        if (VP, v.budget.year) not in have:
            pending.append(
                (
                    "verksamhetsplan",
                    f"Verksamhetsplan och budget {v.budget.year}",
                    v.budget.year,
                    v.decided_on,
                )
            )
    return render(
        request,
        "reporting/auditors.html",
        {
            "stored": stored,
            "pending": sorted(set(pending), key=lambda p: (-p[2], p[0])),
            "nav_section": "auditors",
            "breadcrumbs": [("Revision", None)],
        },
    )


class LogoForm(forms.Form):
    file = forms.FileField(label="Logotyp (PNG eller JPEG, högst 1 MB)")


@association_view(EDIT)
def logo(request: HttpRequest) -> HttpResponse:
    form = LogoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.logo_save(
                association=request.association,
                content=form.cleaned_data["file"].read(),
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, "Logotypen är sparad och syns i dokumenten.")
            return redirect(_url("documents", request))
    return render(
        request,
        "reporting/logo.html",
        {
            "form": form,
            "logo_uri": rendering.logo_uri(request.association),
            "nav_section": "documents",
            "breadcrumbs": [("Dokument", _url("documents", request)), ("Logotyp", None)],
        },
        status=400 if form.errors else 200,
    )
