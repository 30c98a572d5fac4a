"""Year-end pages: the statements of a year, the driftredovisning, the balance
specifications and equity roll-forward, closing a year, and the SIE import."""

from __future__ import annotations

import datetime
import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from budgets import import_jobs, ledger, services
from budgets.models import (
    BalanceLine,
    BudgetLine,
    FiscalYear,
    ImportJob,
    LedgerImport,
    SieUpload,
)
from finsam.forms import AmountField, BoundedForm
from finsam.services import ServiceError, StaleEdit
from finsam.tenancy import EDIT, READ, association_view, can_edit
from finsam.validators import whole_number
from reporting.decision_views import DecisionForm
from reporting.selectors import five_year_overview, operating_report, year_statements
from reporting.statements import COST_CATEGORIES, cost_distribution

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _url(name: str, request: HttpRequest, **kwargs) -> str:
    return reverse(f"reporting:{name}", kwargs={"slug": request.association.slug, **kwargs})


def _crumbs(request: HttpRequest, year: int | None, here: str) -> list:
    crumbs = [("Bokslut", _url("index", request))]
    if year is not None:
        crumbs.append((str(year), _url("statements", request, year=year)))
    crumbs.append((here, None))
    return crumbs


def _fiscal_year(request: HttpRequest, year: int) -> FiscalYear | None:
    return FiscalYear.objects.filter(association=request.association, year=year).first()


@association_view(READ)
def index(request: HttpRequest) -> HttpResponse:
    stored = {fy.year: fy for fy in FiscalYear.objects.filter(association=request.association)}
    this_year = datetime.date.today().year
    # The current and the next year are offered even before anything is stored in them,
    # so that the year can be opened (its pages create the year when something is saved).
    for year in (this_year, this_year + 1):
        stored.setdefault(year, FiscalYear(association=request.association, year=year))
    years = [stored[year] for year in sorted(stored, reverse=True)]
    return render(
        request,
        "reporting/index.html",
        {
            "years": years,
            "can_edit": can_edit(request.role),
            "nav_section": "reporting",
            "breadcrumbs": [("Bokslut", None)],
        },
    )


class ReopenForm(BoundedForm, forms.Form):
    reason = forms.CharField(label="Varför öppnas året?", max_length=500)


INCOME_ROWS = [
    ("verksamhetens_intakter", "Verksamhetens intäkter", False),
    ("verksamhetens_kostnader", "Verksamhetens kostnader", False),
    ("verksamhetens_resultat", "Verksamhetens resultat", True),
    ("finansiella_intakter", "Finansiella intäkter", False),
    ("finansiella_kostnader", "Finansiella kostnader", False),
    ("resultat_efter_finansiella_poster", "Resultat efter finansiella poster", True),
    ("arets_resultat", "Årets resultat", True),
]
BALANCE_ROWS = [
    ("fordringar", "Fordringar", False),
    ("kortfristiga_placeringar", "Kortfristiga placeringar", False),
    ("kassa_och_bank", "Kassa och bank", False),
    ("summa_tillgangar", "Summa tillgångar", True),
    ("arets_resultat", "Årets resultat", False),
    ("ovrigt_eget_kapital", "Övrigt eget kapital", False),
    ("eget_kapital", "Summa eget kapital", True),
    ("avsattningar_pensioner", "Avsättningar för pensioner", False),
    ("kortfristiga_skulder", "Kortfristiga skulder", False),
    (
        "summa_eget_kapital_avsattningar_och_skulder",
        "Summa eget kapital, avsättningar och skulder",
        True,
    ),
]
CASH_ROWS = [
    ("arets_resultat", "Årets resultat", False),
    ("justering_ej_likviditetspaverkande", "Justering för ej likviditetspåverkande poster", False),
    ("fore_forandring_rorelsekapital", "Medel före förändring av rörelsekapital", True),
    (
        "forandring_kortfristiga_fordringar",
        "Ökning (−)/minskning (+) kortfristiga fordringar",
        False,
    ),
    ("forandring_kortfristiga_skulder", "Ökning (+)/minskning (−) kortfristiga skulder", False),
    ("lopande_verksamhet", "Kassaflöde från den löpande verksamheten", True),
    ("investeringsverksamhet", "Kassaflöde från investeringsverksamheten", False),
    ("finansieringsverksamhet", "Kassaflöde från finansieringsverksamheten", False),
    ("arets_kassaflode", "Årets kassaflöde", True),
    ("likvida_medel_vid_arets_borjan", "Likvida medel vid årets början", False),
    ("likvida_medel_vid_arets_slut", "Likvida medel vid årets slut", True),
]


def _rows(now, before, spec) -> list[tuple]:
    return [
        (label, getattr(now, key), getattr(before, key) if before is not None else None, strong)
        for key, label, strong in spec
    ]


@association_view(READ)
def statements(request: HttpRequest, year: int) -> HttpResponse:
    result = year_statements(association=request.association, year=year)
    # Last year's column only where its outcome is known, as in the documents: a year
    # that holds only its year-end would print its equity and result as zeros.
    previous = result.previous_with_outcome
    tables = []
    if result.figures is not None:
        tables = [
            ("Resultaträkning", _rows(result.income, previous and previous.income, INCOME_ROWS)),
            ("Balansräkning", _rows(result.balance, previous and previous.balance, BALANCE_ROWS)),
        ]
        if result.cash_flow is not None:
            tables.append(
                (
                    "Kassaflödesanalys",
                    _rows(result.cash_flow, previous and previous.cash_flow, CASH_ROWS),
                )
            )
    # Kostnadsfördelning: outcome, budget and last year side by side.
    report = operating_report(association=request.association, year=year)
    budget_costs = cost_distribution(
        {
            section.key: -section.total.budget_cost
            for section in report.sections
            if section.key != "intakter" and section.total.budget_cost is not None
        }
    )
    distribution = []
    if result.costs is not None and result.costs.percent:
        before = previous.costs if previous is not None else None
        for key, label in COST_CATEGORIES:
            distribution.append(
                (
                    label,
                    result.costs.costs.get(key),
                    result.costs.percent.get(key),
                    budget_costs.percent.get(key),
                    before.percent.get(key) if before and before.percent else None,
                )
            )
    return render(
        request,
        "reporting/statements.html",
        {
            "s": result,
            "previous": previous,
            "tables": tables,
            "distribution": distribution,
            "year": year,
            # Years without figures are left out, as the annual report leaves them out.
            "overview": [
                o
                for o in five_year_overview(association=request.association, year=year)
                if o.result is not None or o.employees is not None
            ],
            "reopen_form": ReopenForm(),
            "can_edit": can_edit(request.role),
            "is_superuser": request.user.is_superuser,
            "nav_section": "reporting",
            "breadcrumbs": _crumbs(request, None, str(year)),
        },
    )


@association_view(READ)
def operating(request: HttpRequest, year: int) -> HttpResponse:
    return render(
        request,
        "reporting/operating.html",
        {
            "report": operating_report(association=request.association, year=year),
            "year": year,
            "nav_section": "reporting",
            "breadcrumbs": _crumbs(request, year, "Driftredovisning"),
        },
    )


class BalanceLineForm(BoundedForm, forms.Form):
    item = forms.ChoiceField(label="Post", choices=BalanceLine.ITEMS)
    label = forms.CharField(label="Specifikation", max_length=200)
    amount = AmountField(label="Belopp (kr)")


@association_view(READ)
def balances(request: HttpRequest, year: int) -> HttpResponse:
    fiscal_year = _fiscal_year(request, year)
    form = BalanceLineForm(request.POST or None)
    if request.method == "POST":
        if not can_edit(request.role):
            raise Http404
        if form.is_valid():
            try:
                fiscal_year = services.fiscal_year_ensure(
                    association=request.association, year=year, by=request.user
                )
                services.balance_line_save(
                    fiscal_year=fiscal_year, data=form.cleaned_data, by=request.user
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"Raden {form.cleaned_data['label']} är sparad.")
                return redirect(_url("balances", request, year=year))
    lines = list(fiscal_year.balance_lines.all()) if fiscal_year else []
    items = []
    for key, label in BalanceLine.ITEMS:
        rows = [line for line in lines if line.item == key]
        items.append({"label": label, "rows": rows, "total": sum(r.amount for r in rows)})
    return render(
        request,
        "reporting/balances.html",
        {
            "fiscal_year": fiscal_year,
            "year": year,
            "items": items,
            "form": form,
            "can_edit": can_edit(request.role) and not (fiscal_year and fiscal_year.is_closed),
            "nav_section": "reporting",
            "breadcrumbs": _crumbs(request, year, "Balansposter"),
        },
        status=400 if form.errors else 200,
    )


@association_view(EDIT, methods=["POST"])
def balance_delete(request: HttpRequest, year: int) -> HttpResponse:
    line = get_object_or_404(
        BalanceLine,
        fiscal_year__association=request.association,
        fiscal_year__year=year,
        pk=whole_number(request.POST.get("line")),
    )
    try:
        services.balance_line_delete(line=line, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Raden {line.label} är borttagen.")
    return redirect(_url("balances", request, year=year))


class YearEndForm(BoundedForm, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    equity_opening = AmountField(label="Ingående eget kapital (kr)", required=False)
    capital_contribution = AmountField(label="Kapitaltillskott från nya medlemmar (kr)")
    realisation_gains = AmountField(label="Realisationsvinster (kr)")
    employees = forms.DecimalField(
        label="Antal anställda (årsarbetare)",
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=1,
    )


@association_view(EDIT)
def year_end_edit(request: HttpRequest, year: int) -> HttpResponse:
    # The year is created only when the form is valid: a refused post saves nothing.
    fiscal_year = _fiscal_year(request, year) or FiscalYear(
        association=request.association, year=year
    )
    initial = {
        "version": fiscal_year.version if fiscal_year.pk else 0,
        "equity_opening": fiscal_year.equity_opening,
        "capital_contribution": fiscal_year.capital_contribution,
        "realisation_gains": fiscal_year.realisation_gains,
        "employees": fiscal_year.employees,
    }
    form = YearEndForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            fiscal_year = services.fiscal_year_ensure(
                association=request.association, year=year, by=request.user
            )
            services.year_end_save(
                fiscal_year=fiscal_year,
                data=data,
                expected_version=form.cleaned_data.get("version") or None,
                by=request.user,
            )
        except StaleEdit as exc:
            form.add_error(None, exc.message)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"Bokslutsuppgifterna för {year} är sparade.")
            return redirect(_url("statements", request, year=year))
    return render(
        request,
        "members/object_form.html",
        {
            "form": form,
            "title": f"Eget kapital och personal {year}",
            "nav_section": "reporting",
            "breadcrumbs": _crumbs(request, year, "Eget kapital och personal"),
        },
        status=400 if form.errors else 200,
    )


@association_view(EDIT)
def close_year(request: HttpRequest, year: int) -> HttpResponse:
    """The board's decision of the annual report: checklist, then date and paragraph."""
    from reporting.decision_views import decision_made, decision_page
    from reporting.decisions import annual_report_checklist

    fiscal_year = _fiscal_year(request, year)
    back = _url("statements", request, year=year)
    if fiscal_year is None or fiscal_year.is_closed:
        return decision_made(
            request,
            title=f"Stäng räkenskapsåret {year}",
            done=(
                f"Räkenskapsåret {year} stängdes {fiscal_year.closed_on}"
                f"{', ' + fiscal_year.closed_paragraph if fiscal_year.closed_paragraph else ''}."
                if fiscal_year
                else f"Det finns inget bokslut för {year} att stänga."
            ),
            back=back,
            breadcrumbs=_crumbs(request, year, "Stäng året"),
            nav_section="reporting",
        )
    report_url = reverse(
        "reporting:document_arsredovisning",
        kwargs={"slug": request.association.slug, "year": year},
    )

    def decide(data: dict) -> str:
        services.fiscal_year_close(
            fiscal_year=fiscal_year,
            closed_on=data["decided_on"],
            paragraph=data["paragraph"],
            confirmed=bool(data.get("confirm")),
            by=request.user,
        )
        return f"Räkenskapsåret {year} är stängt; årsredovisningen är sparad som beslutad PDF."

    return decision_page(
        request,
        title=f"Stäng räkenskapsåret {year}",
        intro=(
            f"När styrelsen har beslutat om årsredovisningen för {year} stängs året: därefter "
            "kan inga siffror för året ändras, varken här, i administrationen eller genom en "
            "import."
        ),
        checklist=annual_report_checklist(request.association, year),
        previews=[("Årsredovisningen (utkast)", report_url), ("som PDF", f"{report_url}pdf/")],
        submit=f"Stäng {year}",
        texts_url=f"{report_url}texter/",
        decide=decide,
        back=back,
        breadcrumbs=_crumbs(request, year, "Stäng året"),
        nav_section="reporting",
    )


class OutsideClosingForm(DecisionForm):
    """The board's date and paragraph, and a confirmation that the report was made and
    decided elsewhere (nothing here to check it by)."""

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        confirm = self.fields["confirm"]
        confirm.required = True
        confirm.label = (
            f"Årsredovisningen för {year} är upprättad och beslutad av styrelsen utanför Finsam."
        )
        confirm.error_messages["required"] = "Bekräfta att den är beslutad."


@association_view(EDIT)
def close_year_outside(request: HttpRequest, year: int) -> HttpResponse:
    """Close a year whose annual report was made and decided before Finsam was used."""
    from reporting.decision_views import decision_made

    fiscal_year = _fiscal_year(request, year)
    back = _url("statements", request, year=year)
    crumbs = _crumbs(request, year, "Stäng året utan årsredovisning i Finsam")
    title = f"Stäng räkenskapsåret {year} utan årsredovisning i Finsam"
    if fiscal_year is None or fiscal_year.is_closed:
        return decision_made(
            request,
            title=title,
            done=f"Räkenskapsåret {year} är redan stängt."
            if fiscal_year
            else f"Det finns inget räkenskapsår {year} att stänga.",
            back=back,
            breadcrumbs=crumbs,
            nav_section="reporting",
        )
    form = OutsideClosingForm(request.POST or None, year=year)
    if request.method == "POST" and form.is_valid():
        try:
            services.fiscal_year_close_outside(
                fiscal_year=fiscal_year,
                closed_on=form.cleaned_data["decided_on"],
                paragraph=form.cleaned_data["paragraph"],
                confirmed=form.cleaned_data["confirm"],
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"Räkenskapsåret {year} är stängt.")
            return redirect(back)
    return render(
        request,
        "reporting/close_outside.html",
        {
            "form": form,
            "title": title,
            "year": year,
            "back": back,
            "breadcrumbs": crumbs,
            "nav_section": "reporting",
        },
        status=400 if form.errors else 200,
    )


@association_view(READ, methods=["POST"])
def reopen_year(request: HttpRequest, year: int) -> HttpResponse:
    if not request.user.is_superuser:
        raise Http404
    form = ReopenForm(request.POST)
    fiscal_year = _fiscal_year(request, year)
    if fiscal_year is None or not form.is_valid():
        messages.error(request, "Ange varför året öppnas igen.")
    else:
        try:
            services.fiscal_year_reopen(
                fiscal_year=fiscal_year, reason=form.cleaned_data["reason"], by=request.user
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Räkenskapsåret {year} är öppnat igen.")
    return redirect(_url("statements", request, year=year))


class UploadForm(BoundedForm, forms.Form):
    file = forms.FileField(label="SIE-fil (typ 4, .se)")


class MappingForm(BoundedForm, forms.Form):
    account = forms.CharField(widget=forms.HiddenInput, max_length=10)
    project = forms.CharField(widget=forms.HiddenInput, max_length=40, required=False)
    target = forms.ChoiceField(label="Hör till")


class NewLineForm(BoundedForm, forms.Form):
    account = forms.CharField(widget=forms.HiddenInput, max_length=10)
    project = forms.CharField(widget=forms.HiddenInput, max_length=40, required=False)
    group = forms.ChoiceField(label="Grupp", choices=BudgetLine.GROUPS)
    name = forms.CharField(label="Radens namn", max_length=200)


def _targets(request: HttpRequest) -> dict[str, list[tuple[str, str]]]:
    """The dropdown's choices: result accounts are offered only result lines, balance
    accounts only balance items."""
    lines = BudgetLine.objects.filter(association=request.association, retired=False)
    return {
        "lines": [(f"line:{line.id}", line.name) for line in lines],
        "items": [(f"item:{key}", label) for key, label in BalanceLine.ITEMS],
    }


def _sie_url(request: HttpRequest, year: int, upload: SieUpload | None = None) -> str:
    url = _url("sie_import", request, year=year)
    return f"{url}?fil={upload.pk}" if upload is not None else url


def _sie_upload(request: HttpRequest, year: int, form: UploadForm) -> HttpResponse | None:
    """Store an uploaded file that can be previewed; else the form carries the reason."""
    f = form.cleaned_data["file"]
    if f.size > MAX_UPLOAD_BYTES:
        form.add_error("file", "Filen är större än 50 MB.")
        return None
    content = f.read()
    try:
        ledger.plan_import(
            association=request.association,
            stream=io.BytesIO(content),
            file_name=f.name,
            expected_year=year,
        )
    except ledger.ImportRefused as exc:
        form.add_error("file", exc.message)
        form.mismatches = exc.mismatches
        return None
    upload = ledger.upload_store(
        association=request.association,
        year=year,
        file_name=f.name,
        content=content,
        by=request.user,
    )
    return redirect(_sie_url(request, year, upload))


def _sie_map(request: HttpRequest) -> None:
    """Save where an account (or one of its projekt objects) goes."""
    association = request.association
    form = MappingForm(request.POST)
    targets = _targets(request)
    form.fields["target"].choices = targets["lines"] + targets["items"]
    if not form.is_valid():
        messages.error(request, "Välj vart kontot hör.")
        return
    account, project = form.cleaned_data["account"], form.cleaned_data["project"]
    kind, _, value = form.cleaned_data["target"].partition(":")
    line = (
        BudgetLine.objects.filter(association=association, pk=int(value)).first()
        if kind == "line"
        else None
    )
    try:
        if project and line is not None:
            ledger.project_mapping_save(
                association=association, code=project, line=line, by=request.user
            )
        else:
            ledger.account_mapping_save(
                association=association,
                account=account,
                line=line,
                item=value if kind == "item" else "",
                by=request.user,
            )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        what = f"Projekt {project} på konto {account}" if project else f"Konto {account}"
        messages.success(request, f"{what} är mappat.")


def _sie_new_line(request: HttpRequest) -> None:
    """Create the line the preview lacks, and send the account (or object) to it."""
    form = NewLineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ange radens namn och grupp.")
        return
    try:
        line = ledger.account_line_create(
            association=request.association, by=request.user, **form.cleaned_data
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"Raden {line.name} är skapad och konto {form.cleaned_data['account']} hör till den.",
        )


def _sie_post(request: HttpRequest, year: int, upload: SieUpload | None) -> HttpResponse | None:
    """The preview's actions on a stored file; None when there is none to act on."""
    action = request.POST.get("action")
    if upload is None:
        messages.error(request, "Den uppladdade filen finns inte längre; ladda upp den igen.")
        return redirect(_sie_url(request, year))
    if action == "map":
        _sie_map(request)
    elif action == "new_line":
        _sie_new_line(request)
    elif action == "apply":
        # The worker applies it; the answer is the page that follows the job.
        try:
            job = ledger.import_job_queue(
                upload=upload, confirm=request.POST.get("confirm") == "1", by=request.user
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            return redirect(_url("sie_import_job", request, year=year, importjob_id=job.pk))
    elif action == "discard":
        ledger.upload_discard(upload=upload, by=request.user)
        messages.info(request, "Filen är bortkastad; inget är sparat.")
        return redirect(_sie_url(request, year))
    return redirect(_sie_url(request, year, upload))


@association_view(EDIT)
def sie_import(request: HttpRequest, year: int) -> HttpResponse:
    """Upload → preview (with a mapping form for every account) → apply."""
    association = request.association
    upload_form = UploadForm()
    wanted = whole_number(request.POST.get("fil") or request.GET.get("fil"))
    upload = (
        SieUpload.objects.filter(association=association, year=year, pk=wanted).first()
        if wanted is not None
        else None
    )
    if request.method == "POST" and request.POST.get("action") == "upload":
        upload_form = UploadForm(request.POST, request.FILES)
        if upload_form.is_valid() and (answer := _sie_upload(request, year, upload_form)):
            return answer
    elif request.method == "POST":
        return _sie_post(request, year, upload)
    plan = error = None
    mismatches: list[ledger.Mismatch] = getattr(upload_form, "mismatches", [])
    if upload is not None:
        try:
            plan = ledger.plan_import(
                association=association,
                stream=io.BytesIO(bytes(upload.content)),
                file_name=upload.file_name,
                expected_year=year,
            )
        except ledger.ImportRefused as exc:
            error, mismatches = exc.message, exc.mismatches
    return _sie_page(request, year, upload, upload_form, plan, error, mismatches)


def _sie_page(request, year, upload, upload_form, plan, error, mismatches) -> HttpResponse:
    running = (
        ImportJob.objects.filter(upload=upload).exclude(status__in=ImportJob.FINISHED).first()
        if upload is not None
        else None
    )
    context = {
        "year": year,
        "upload": upload,
        "upload_form": upload_form,
        "plan": plan,
        "error": error,
        "mismatches": mismatches,
        "targets": _targets(request),
        "groups": BudgetLine.GROUPS,
        "imports": LedgerImport.objects.filter(
            association=request.association, fiscal_year__year=year
        ).select_related("imported_by"),
        "running": running,
        "running_url": running
        and _url("sie_import_job", request, year=year, importjob_id=running.pk),
        "nav_section": "reporting",
        "breadcrumbs": _crumbs(request, year, "Läs in SIE-fil"),
    }
    status = 400 if upload_form.errors else 200
    return render(request, "reporting/sie_import.html", context, status=status)


@association_view(EDIT, methods=["GET", "HEAD"])
@vary_on_headers("HX-Request")
def sie_import_job(request: HttpRequest, year: int, importjob_id: int) -> HttpResponse:
    """How a queued SIE import is doing: for htmx the fragment that polls itself every
    second until the job has ended, else the whole page with the same fragment."""
    job = (
        ImportJob.objects.filter(association=request.association, year=year, pk=importjob_id)
        .select_related("ledger_import")
        .first()
    )
    if job is None:
        raise Http404("Inläsningen finns inte.")
    # Whoever follows an import settles it: one whose worker died ends truthfully.
    job = import_jobs.settle(job)
    waited = (timezone.now() - job.requested_at).total_seconds()
    context = {
        "job": job,
        "year": year,
        "job_url": _url("sie_import_job", request, year=year, importjob_id=job.pk),
        "changes": (job.ledger_import.changes if job.ledger_import else {}),
        "overdue": not job.is_finished and waited > settings.JOB_POLL_LIMIT_SECONDS,
    }
    status = 200 if job.is_finished else 202
    if request.htmx:
        response = render(request, "reporting/sie_import_job.html", context, status=status)
    else:
        context.update(
            {
                "nav_section": "reporting",
                "breadcrumbs": [
                    *_crumbs(request, year, "Läs in SIE-fil")[:-1],
                    ("Läs in SIE-fil", _url("sie_import", request, year=year)),
                    (job.file_name, None),
                ],
            }
        )
        response = render(request, "reporting/sie_import_job_page.html", context, status=status)
    response["X-Task-Id"] = job.task_id
    return response
