"""The documents as pages, PDFs and workbooks; their texts; the auditors' page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from budgets.models import Actual, Budget, BudgetVersion, FiscalYear
from finsam.forms import BoundedForm
from finsam.services import ServiceError
from finsam.tenancy import DOWNLOAD, EDIT, READ, association_view, can_edit
from finsam.validators import whole_number
from reporting import decisions, document_cache, documents, pdf_jobs, pdf_views, services
from reporting import render as rendering
from reporting.models import (
    AR,
    VP,
    DecidedDocument,
    NarrativeSection,
    OutsideAnnualReport,
    ReportSettings,
)

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


def _draft_version(request: HttpRequest, year: int) -> BudgetVersion | None:
    """The budget version asked for with ?version=N (a draft to preview), if any."""
    number = whole_number(request.GET.get("version", ""))
    if number is None:
        return None
    return (
        BudgetVersion.objects.filter(
            budget__association=request.association, budget__year=year, number=number
        )
        .select_related("budget")
        .first()
    )


def _decided(
    request: HttpRequest, kind: str, year: int, *, snapshot: bool = True
) -> DecidedDocument | None:
    """The decision in force for a plan or annual report, unless a draft is asked for;
    `snapshot=False` leaves the snapshot to be read when it is used (a kept page
    does not use it)."""
    document = KINDS[kind][1]
    if document is None:
        return None
    if document == VP:
        draft = _draft_version(request, year)
        if draft is not None and not draft.is_decided:
            return None
        if draft is not None:
            found = DecidedDocument.objects.filter(budget_version=draft).defer("pdf")
            return (found if snapshot else found.defer("snapshot")).first()
    return decisions.current_decided(request.association, document, year, snapshot=snapshot)


def _build(request: HttpRequest, kind: str, year: int) -> documents.Document:
    """The document as shown: from its decision's snapshot when decided, else live."""
    association = request.association
    if kind == "arsredovisning":
        return documents.annual_report(association, year)
    if kind == "verksamhetsplan":
        return documents.plan(association, year, version=_draft_version(request, year))
    if kind == "bokslut":
        return documents.statements(association, year)
    month = whole_number(request.GET.get("manad", ""))
    month = month if month is not None and 1 <= month <= 12 else _last_month(request, year)
    return documents.follow_up(association, year, month)


def _document(request: HttpRequest, kind: str, year: int, stored=None):
    """(document, its decision record or None)."""
    stored = stored or _decided(request, kind, year)
    if stored is not None and stored.snapshot is not None:
        return decisions.frozen_document(stored), stored
    return _build(request, kind, year), stored


def _asked(request: HttpRequest) -> tuple[int | None, int | None]:
    """What the address asks for beyond kind and year: a draft version, a month."""
    return whole_number(request.GET.get("version", "")), whole_number(request.GET.get("manad", ""))


def _page_body(request: HttpRequest, kind: str, year: int, stored) -> tuple:
    """The document and its markup as the page shows it (kept by document_cache)."""
    doc, _ = _document(request, kind, year, stored)
    body = render_to_string(
        "reporting/document_body.html",
        {"doc": doc, "logo_uri": rendering.document_logo(doc)},
    )
    return doc, body


@association_view(READ)
def index(request: HttpRequest) -> HttpResponse:
    association = request.association
    budget_years = set(
        Budget.objects.filter(association=association).values_list("year", flat=True)
    )
    fiscal = {fy.year: fy for fy in FiscalYear.objects.filter(association=association)}
    decided = list(
        DecidedDocument.objects.filter(association=association).defer("pdf", "snapshot")
    )
    years = sorted(budget_years | set(fiscal), reverse=True)
    rows = []
    for year in years:
        entries = []
        if year in budget_years:
            entries.append(("verksamhetsplan", f"Verksamhetsplan och budget {year}"))
            entries.append(("uppfoljning", f"Budgetuppföljning {year}"))
        if year in fiscal:
            outside = " (upprättad utanför Finsam)" if fiscal[year].report_outside else ""
            entries.append(("arsredovisning", f"Årsredovisning {year}{outside}"))
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


def _newer_draft(request: HttpRequest, kind: str, year: int, doc) -> BudgetVersion | None:
    if kind != "verksamhetsplan":
        return None
    latest = (
        BudgetVersion.objects.filter(budget__association=request.association, budget__year=year)
        .order_by("-number")
        .first()
    )
    return latest if latest is not None and not latest.is_decided and doc.is_decided else None


def _made_outside(request: HttpRequest, kind: str, year: int) -> FiscalYear | None:
    """The year, when its annual report was made and decided outside Finsam."""
    if kind != "arsredovisning":
        return None
    return FiscalYear.objects.filter(
        association=request.association, year=year, report_outside=True
    ).first()


class OutsideReportForm(BoundedForm, forms.Form):
    pdf = forms.FileField(label="Den beslutade årsredovisningen (PDF)")


def _outside_file(request: HttpRequest, year: int) -> OutsideAnnualReport | None:
    return (
        OutsideAnnualReport.objects.filter(association=request.association, year=year)
        .defer("pdf")
        .first()
    )


def _outside_page(
    request: HttpRequest, fiscal_year: FiscalYear, status: int, form=None
) -> HttpResponse:
    """What the annual report's addresses show for a year closed outside Finsam: where
    it was decided, the association's own PDF of it when uploaded, and where the year's
    figures are (never a draft of a decided year)."""
    year = fiscal_year.year
    return render(
        request,
        "reporting/outside.html",
        {
            "fiscal_year": fiscal_year,
            "file": _outside_file(request, year),
            "form": (form or OutsideReportForm()) if can_edit(request.role) else None,
            "upload_url": _url("outside_report_upload", request, year=year),
            "pdf_url": _url("document_arsredovisning_pdf", request, year=year),
            "statements_url": _url("statements", request, year=year),
            "nav_section": "documents",
            "breadcrumbs": [
                ("Dokument", _url("documents", request)),
                (f"Årsredovisning {fiscal_year.year}", None),
            ],
        },
        status=status,
    )


def _document_page(kind: str):
    @association_view(READ)
    def view(request: HttpRequest, year: int) -> HttpResponse:
        if (outside := _made_outside(request, kind, year)) is not None:
            return _outside_page(request, outside, 200)
        stored = _decided(request, kind, year, snapshot=False)
        doc, body = document_cache.page(
            request.association,
            (kind, year, stored.pk if stored else None, *_asked(request)),
            lambda: _page_body(request, kind, year, stored),
        )
        query = f"?version={request.GET['version']}" if "version" in request.GET else ""
        draft = _newer_draft(request, kind, year, doc)
        return render(
            request,
            "reporting/document.html",
            {
                "doc": doc,
                "kind": kind,
                "formats": [
                    (
                        f,
                        label,
                        _url(f"document_{kind}_{f}", request, year=year) + query,
                        _in_background(f, stored),
                    )
                    for f, label in FORMATS.items()
                ],
                "stored": stored,
                "draft": draft,
                "page_url": _url(f"document_{kind}", request, year=year),
                "texts_url": _url(f"texts_{kind}", request, year=year)
                if kind in ("arsredovisning", "verksamhetsplan") and can_edit(request.role)
                else None,
                "data_url": _url("report_data", request, year=year)
                if kind == "arsredovisning" and can_edit(request.role)
                else None,
                "body": body,
                "nav_section": "documents",
                "breadcrumbs": [("Dokument", _url("documents", request)), (doc.title, None)],
            },
        )

    view.__name__ = f"document_{kind}"
    return view


def _document_download(kind: str, fmt: str):
    @association_view(DOWNLOAD, methods=["GET", "HEAD"])
    def view(request: HttpRequest, year: int) -> HttpResponse:
        if (outside := _made_outside(request, kind, year)) is not None:
            return _outside_download(request, outside, fmt)
        name = f"{request.association.slug}-{kind}-{year}"
        doc, stored = _document(request, kind, year)
        if fmt == "xlsx":
            response = HttpResponse(
                rendering.xlsx_bytes(doc),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
            return response
        if fmt in ("pdf", "pdf-a") and stored is not None:
            return _stored_pdf(stored, name)
        return _draft_pdf(request, doc, kind, fmt, name)

    view.__name__ = f"document_{kind}_{fmt}"
    return view


def _outside_download(request: HttpRequest, fiscal_year: FiscalYear, fmt: str) -> HttpResponse:
    """The association's own PDF of a report decided outside Finsam, byte for byte;
    no workbook of it, and without an uploaded file a page that says so (404)."""
    stored = _outside_file(request, fiscal_year.year) if fmt in ("pdf", "pdf-a") else None
    if stored is None:
        return _outside_page(request, fiscal_year, 404)
    pdf = OutsideAnnualReport.objects.values_list("pdf", flat=True).get(pk=stored.pk)
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    name = f"{request.association.slug}-arsredovisning-{fiscal_year.year}-beslutad.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-SHA256"] = stored.sha256
    return response


@association_view(EDIT, methods=["POST"])
def outside_report_upload(request: HttpRequest, year: int) -> HttpResponse:
    """Kansli stores the association's PDF of a report decided outside Finsam."""
    fiscal_year = _made_outside(request, "arsredovisning", year)
    if fiscal_year is None:
        messages.error(request, f"Räkenskapsåret {year} är inte stängt utanför Finsam.")
        return redirect(_url("document_arsredovisning", request, year=year))
    form = OutsideReportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["pdf"]
        try:
            services.outside_report_upload(
                association=request.association,
                year=year,
                content=upload.read(),
                filename=upload.name,
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error("pdf", exc.message)
        else:
            messages.success(request, f"Årsredovisningen för {year} är sparad.")
            return redirect(_url("document_arsredovisning", request, year=year))
    return _outside_page(request, fiscal_year, 400, form)


def _stored_pdf(stored: DecidedDocument, name: str) -> HttpResponse:
    pdf = DecidedDocument.objects.values_list("pdf", flat=True).get(pk=stored.pk)
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}-beslutad.pdf"'
    response["X-Content-SHA256"] = stored.sha256
    return response


def _draft_pdf(
    request: HttpRequest, doc: documents.Document, kind: str, fmt: str, name: str
) -> HttpResponse:
    """A PDF that is not a stored decided one: from the cache when this content was
    rendered before, else rendered by the background worker (reporting.pdf_jobs)."""
    suffix = {"pdf": "", "pdf-a": "-pdfa", "pdf-ua": "-pdfua"}[fmt]
    status = "-beslutad" if doc.is_decided else "-utkast"
    try:
        job = pdf_jobs.request_pdf(
            association=request.association,
            doc=doc,
            kind=kind,
            fmt=fmt,
            filename=f"{name}{status}{suffix}.pdf",
            by=request.user,
        )
    except pdf_jobs.RenderRefused as exc:
        return pdf_views.refused_response(request, exc)
    return pdf_views.job_response(request, job)


def _in_background(fmt: str, stored: DecidedDocument | None) -> bool:
    """Whether a download of this format goes through the background worker (all PDFs
    but the stored decided ones, which are served as they are)."""
    if fmt == "xlsx":
        return False
    return not (fmt in ("pdf", "pdf-a") and stored is not None)


document_views = {kind: _document_page(kind) for kind in KINDS}
download_views = {(kind, fmt): _document_download(kind, fmt) for kind in KINDS for fmt in FORMATS}


def _text_sections(association, document: str, year: int, typed: dict, errors: dict) -> list:
    """Each narrative section of the document as the form shows it."""
    rows = NarrativeSection.objects.filter(
        association=association, document=document, year__in=[year, year - 1]
    )
    stored, previous = {}, set()
    for n in rows:
        if n.year == year:
            stored[n.key] = n
        elif n.body:
            previous.add(n.key)
    return [
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


def _text_post(request: HttpRequest, document: str, year: int, key: str) -> str:
    """Save or copy one section; the success message (a refusal raises)."""
    association = request.association
    title = documents.NARRATIVE_TITLES[document].get(key, key)
    if request.POST.get("action", "save") == "copy":
        services.narrative_copy_previous(
            association=association, document=document, year=year, key=key, by=request.user
        )
        return f"Texten från {year - 1} är inläst; ändra den så att den stämmer för {year}."
    services.narrative_save(
        association=association,
        document=document,
        year=year,
        key=key,
        body=request.POST.get("body", ""),
        expected_version=whole_number(request.POST.get("version", "")),
        by=request.user,
    )
    return f"Texten ”{title}” är sparad."


def _texts(kind: str):
    document = KINDS[kind][1]

    @association_view(EDIT)
    def view(request: HttpRequest, year: int) -> HttpResponse:
        """Each section saves by itself: with htmx in the background (only that
        section comes back, so what is typed in the others stays), else by a post."""
        errors: dict[str, str] = {}
        typed: dict[str, str] = {}
        saved = ""
        key = request.POST.get("key", "")
        if request.method == "POST":
            try:
                saved = _text_post(request, document, year, key)
            except ServiceError as exc:  # StaleEdit included
                errors[key] = exc.message
                typed[key] = request.POST.get("body", "")
            else:
                if not request.htmx:
                    messages.success(request, saved)
                    return redirect(f"{_url(f'texts_{kind}', request, year=year)}#text-{key}")
        sections = _text_sections(request.association, document, year, typed, errors)
        if request.htmx and request.method == "POST":
            section = next((s for s in sections if s["key"] == key), None)
            if section is None:
                return HttpResponse("Okänt avsnitt.", status=400)
            return render(request, "reporting/texts.html#section", {"s": section, "saved": saved})
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
    """Every decided document once per decision, with its date, paragraph and hash."""
    stored = list(
        DecidedDocument.objects.filter(association=request.association)
        .defer("pdf", "snapshot")
        .select_related("budget_version")
        .order_by("-year", "document", "-created_at", "-id")
    )
    files = {
        f.year: f
        for f in OutsideAnnualReport.objects.filter(association=request.association).defer("pdf")
    }
    outside = [
        (fy, files.get(fy.year))
        for fy in FiscalYear.objects.filter(
            association=request.association, report_outside=True
        ).order_by("-year")
    ]
    return render(
        request,
        "reporting/auditors.html",
        {
            "stored": stored,
            "outside": outside,
            "nav_section": "auditors",
            "breadcrumbs": [("Revision", None)],
        },
    )


@association_view(DOWNLOAD, methods=["GET", "HEAD"])
def decided_download(request: HttpRequest, decideddocument_id: int) -> HttpResponse:
    """One stored decided PDF, byte for byte as made at the decision."""
    stored = get_object_or_404(
        DecidedDocument.objects.defer("pdf", "snapshot"),
        pk=decideddocument_id,
        association=request.association,
    )
    kind = "arsredovisning" if stored.document == AR else "verksamhetsplan"
    name = f"{request.association.slug}-{kind}-{stored.year}"
    if stored.budget_version_id:
        name += f"-version-{stored.budget_version.number}"
    return _stored_pdf(stored, name)


class LogoForm(BoundedForm, forms.Form):
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


# --- The annual report's own data (underlag) ---------------------------------------------


class EarlierYearForm(BoundedForm, forms.Form):
    year = forms.IntegerField(label="År", min_value=1990, max_value=2100)
    income = forms.CharField(label="Verksamhetens intäkter (kr)")
    costs = forms.CharField(label="Verksamhetens kostnader (kr, positivt belopp)")
    result = forms.CharField(label="Årets resultat (kr)")
    solidity_percent = forms.CharField(label="Soliditet (%)", required=False)
    employees = forms.CharField(label="Antal anställda", required=False)

    def clean(self):
        from finsam.money import parse_amount

        data = super().clean()
        for name in ("income", "costs", "result", "solidity_percent", "employees"):
            if name not in data:
                continue
            try:
                data[name] = parse_amount(data[name], allow_empty=True)
            except ValueError as exc:
                self.add_error(name, str(exc))
        return data


class SettingsForm(BoundedForm, forms.Form):
    cost_share_base = forms.ChoiceField(
        label="Kostnadsfördelningens andelar räknas av", choices=ReportSettings.BASES
    )


class SteeringForm(BoundedForm, forms.Form):
    steering = forms.CharField(
        label="Styrdokument",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Ett dokument per rad. En rad som slutar med kolon (Policyer:) inleder en "
        "grupp; raderna under den som börjar med bindestreck hör till gruppen.",
    )


class IndicatorForm(BoundedForm, forms.Form):
    indicators = forms.CharField(
        label="Indikatorer Finsam",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="En indikator per rad: påstående; andel som instämmer (%); riket (%). "
        "Riket kan utelämnas.",
    )


class AuditReportForm(BoundedForm, forms.Form):
    pdf = forms.FileField(label="Revisionsberättelse (PDF, undertecknad)")


def _report_data_context(request: HttpRequest, year: int, forms_by_action: dict) -> dict:
    from reporting.models import (
        AuditReport,
        EarlierYearFigures,
        Indicator,
        ReportSettings,
        SteeringDocument,
    )

    association = request.association
    settings_row = ReportSettings.objects.filter(association=association).first()
    steering = SteeringDocument.objects.filter(association=association)
    lines, group = [], None
    for doc in steering:
        if doc.group and doc.group != group:
            lines.append(f"{doc.group}:")
        lines.append(f"- {doc.title}" if doc.group else doc.title)
        group = doc.group
    indicators = Indicator.objects.filter(association=association, year=year)

    def pct(value):
        return "" if value is None else f"{value.normalize():f}".replace(".", ",")

    defaults = {
        "settings": SettingsForm(
            initial={
                "cost_share_base": settings_row.cost_share_base
                if settings_row
                else ReportSettings.COSTS
            }
        ),
        "earlier": EarlierYearForm(initial={"year": year - 4}),
        "steering": SteeringForm(initial={"steering": "\n".join(lines)}),
        "indicators": IndicatorForm(
            initial={
                "indicators": "\n".join(
                    f"{i.text}; {pct(i.share_percent)}"
                    + (f"; {pct(i.national_percent)}" if i.national_percent is not None else "")
                    for i in indicators
                )
            }
        ),
        "audit": AuditReportForm(),
    }
    defaults.update(forms_by_action)
    return {
        "year": year,
        "forms": defaults,
        "earlier_years": EarlierYearFigures.objects.filter(association=association),
        "audit_report": AuditReport.objects.filter(association=association, year=year)
        .defer("pdf")
        .first(),
        "audit_url": _url("audit_report_pdf", request, year=year),
        "document_url": _url("document_arsredovisning", request, year=year),
        "nav_section": "documents",
        "breadcrumbs": [
            ("Dokument", _url("documents", request)),
            (f"Årsredovisning {year}", _url("document_arsredovisning", request, year=year)),
            ("Underlag", None),
        ],
    }


@association_view(EDIT)
def report_data(request: HttpRequest, year: int) -> HttpResponse:
    """Kansli enters what the annual report needs beyond the books: earlier years'
    key figures, how costs are shared, styrdokument, indicators, the auditors' report."""
    association = request.association
    bound: dict = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "earlier":
                form = bound["earlier"] = EarlierYearForm(request.POST)
                if form.is_valid():
                    d = form.cleaned_data
                    if d["income"] is None or d["costs"] is None or d["result"] is None:
                        raise ServiceError("Fyll i intäkter, kostnader och resultat.")
                    services.earlier_year_save(
                        association=association,
                        year=d["year"],
                        income=d["income"],
                        costs=d["costs"],
                        result=d["result"],
                        solidity_percent=d["solidity_percent"],
                        employees=d["employees"],
                        by=request.user,
                    )
                    messages.success(request, f"Nyckeltalen för {d['year']} är sparade.")
                    return redirect(_url("report_data", request, year=year))
            elif action == "settings":
                form = bound["settings"] = SettingsForm(request.POST)
                if form.is_valid():
                    services.report_settings_save(
                        association=association,
                        cost_share_base=form.cleaned_data["cost_share_base"],
                        by=request.user,
                    )
                    messages.success(request, "Inställningen är sparad.")
                    return redirect(_url("report_data", request, year=year))
            elif action == "steering":
                form = bound["steering"] = SteeringForm(request.POST)
                if form.is_valid():
                    services.steering_documents_replace(
                        association=association,
                        rows=services.parse_steering_documents(form.cleaned_data["steering"]),
                        by=request.user,
                    )
                    messages.success(request, "Styrdokumenten är sparade.")
                    return redirect(_url("report_data", request, year=year))
            elif action == "indicators":
                form = bound["indicators"] = IndicatorForm(request.POST)
                if form.is_valid():
                    services.indicators_replace(
                        association=association,
                        year=year,
                        rows=services.parse_indicators(form.cleaned_data["indicators"]),
                        by=request.user,
                    )
                    messages.success(request, f"Indikatorerna för {year} är sparade.")
                    return redirect(_url("report_data", request, year=year))
            elif action == "audit":
                form = bound["audit"] = AuditReportForm(request.POST, request.FILES)
                if form.is_valid():
                    upload = form.cleaned_data["pdf"]
                    services.audit_report_upload(
                        association=association,
                        year=year,
                        content=upload.read(),
                        filename=upload.name,
                        by=request.user,
                    )
                    messages.success(request, "Revisionsberättelsen är uppladdad.")
                    return redirect(_url("report_data", request, year=year))
            else:
                messages.error(request, "Okänt formulär.")
        except ServiceError as exc:
            form = bound.get(action)
            if form is not None:
                form.add_error(
                    getattr(exc, "field", None)
                    if getattr(exc, "field", None) in form.fields
                    else None,
                    exc.message,
                )
    status = (
        400
        if any(f.errors for f in bound.values()) or (request.method == "POST" and not bound)
        else 200
    )
    return render(
        request,
        "reporting/report_data.html",
        _report_data_context(request, year, bound),
        status=status,
    )


@association_view(DOWNLOAD, methods=["GET", "HEAD"])
def audit_report_pdf(request: HttpRequest, year: int) -> HttpResponse:
    """The auditors' signed report as uploaded; without one, a page that says so."""
    from reporting.models import AuditReport

    report = AuditReport.objects.filter(association=request.association, year=year).first()
    if report is None:
        return render(
            request,
            "reporting/audit_report_missing.html",
            {
                "year": year,
                "nav_section": "documents",
                "breadcrumbs": [
                    ("Dokument", _url("documents", request)),
                    (
                        f"Årsredovisning {year}",
                        _url("document_arsredovisning", request, year=year),
                    ),
                    ("Revisionsberättelse", None),
                ],
            },
        )
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{request.association.slug}-revisionsberattelse-{year}.pdf"'
    )
    response["X-Content-SHA256"] = report.sha256
    return response
