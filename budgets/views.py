"""Budget pages: the list, the editable grid (htmx per cell, or one form without
JavaScript), deciding and revising versions, and adding lines."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from budgets import excel, selectors, services
from budgets.models import (
    Budget,
    BudgetAmount,
    BudgetLine,
    BudgetVersion,
    ExcelRowMapping,
    FiscalYear,
)
from finsam.forms import BoundedForm
from finsam.money import AmountError, format_kronor, parse_amount
from finsam.redirects import safe_next
from finsam.services import ServiceError, StaleEdit
from finsam.tenancy import EDIT, READ, association_view, can_edit
from insatser.models import Insats
from members.models import Member


def _url(name: str, request: HttpRequest, **kwargs) -> str:
    return reverse(f"budgets:{name}", kwargs={"slug": request.association.slug, **kwargs})


def _budget(request: HttpRequest, year: int) -> Budget:
    return get_object_or_404(Budget, association=request.association, year=year)


@association_view(READ)
def index(request: HttpRequest) -> HttpResponse:
    budgets = list(
        Budget.objects.filter(association=request.association).prefetch_related("versions")
    )
    rows = []
    for budget in budgets:
        versions = list(budget.versions.all())  # newest first
        decided = next((v for v in versions if v.is_decided), None)
        latest = versions[0] if versions else None
        rows.append(
            {
                "budget": budget,
                "decided": decided,
                "draft": latest if latest is not None and not latest.is_decided else None,
            }
        )
    next_year = datetime.date.today().year + 1
    has_previous = any(b.year == next_year - 1 for b in budgets)
    return render(
        request,
        "budgets/index.html",
        {
            "rows": rows,
            "can_edit": can_edit(request.role),
            "next_year": next_year,
            "starts": services.STARTS,
            "start": services.START_FROM_PLAN if has_previous else services.START_EMPTY,
            "nav_section": "budgets",
        },
    )


@association_view(EDIT, methods=("POST",))
def budget_create(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.POST.get("year", ""))
        if not 2004 <= year <= 2100:
            raise ValueError
    except ValueError:
        messages.error(request, "Ange budgetåret som ett årtal, till exempel 2025.")
        return redirect(_url("index", request))
    try:
        services.budget_create(
            association=request.association,
            year=year,
            start=request.POST.get("start") or services.START_EMPTY,
            by=request.user,
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(_url("index", request))
    started = {
        services.START_FROM_PLAN: f" med planåren i budget {year - 1} som start",
        services.START_FROM_BUDGET: f" med budget {year - 1} som start",
    }.get(request.POST.get("start", ""), "")
    messages.success(request, f"Budget {year} är skapad som utkast{started}.")
    return redirect(_url("budget_detail", request, year=year))


def _version_number(request: HttpRequest) -> int | None:
    try:
        return int(request.GET.get("version", ""))
    except ValueError:
        return None


def _grid_page(
    request: HttpRequest,
    grid,
    status: int = 200,
    errors: int = 0,
    line_form=None,
    added: str = "",
    template: str = "budgets/budget_detail.html",
) -> HttpResponse:
    if line_form is None and can_edit(request.role) and not grid.version.is_decided:
        line_form = _line_form(request.association)
    return render(
        request,
        template,
        {
            "grid": grid,
            "line_form": line_form,
            "added": added,
            "cell_url": _url("cell_save", request, year=grid.budget.year),
            "warnings": selectors.amount_warnings(grid),
            "can_edit": can_edit(request.role),
            "errors": errors,
            "nav_section": "budgets",
            "breadcrumbs": [
                ("Budget", _url("index", request)),
                (f"Budget {grid.budget.year}", None),
            ],
        },
        status=status,
    )


@association_view(EDIT, methods=("POST",))
def grid_line_add(request: HttpRequest, year: int) -> HttpResponse:
    """A new line from the grid itself: htmx swaps the grid with the line in it (or the
    form with its errors); without JavaScript the page comes back the same way."""
    budget = _budget(request, year)
    form = _line_form(request.association, request.POST)
    added = ""
    if form.is_valid():
        try:
            line = services.budget_line_save(
                association=request.association, data=form.cleaned_data, by=request.user
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            added = f"Budgetposten {line.name} är tillagd."
            if not request.htmx:
                messages.success(request, added)
                return redirect(_url("budget_detail", request, year=year))
            form = None
    grid = selectors.budget_grid(budget=budget, can_edit=True)
    failed = form is not None and bool(form.errors)
    return _grid_page(
        request,
        grid,
        status=400 if failed and not request.htmx else 200,
        line_form=form,
        added=added,
        template="budgets/budget_detail.html#grid"
        if request.htmx
        else "budgets/budget_detail.html",
    )


@association_view(READ)
def budget_detail(request: HttpRequest, year: int) -> HttpResponse:
    budget = _budget(request, year)
    grid = selectors.budget_grid(
        budget=budget, version_number=_version_number(request), can_edit=can_edit(request.role)
    )
    return _grid_page(request, grid)


def _find_group_and_cell(grid, line_id: int, offset: int):
    for group in grid.groups:
        for row in group.rows:
            if row.line.id == line_id:
                return group, row.cells[offset]
    return None, None


def _find_cell(grid, line_id: int, offset: int):
    for group in grid.groups:
        for row in group.rows:
            if row.line.id == line_id:
                return row.cells[offset]
    return None


@association_view(EDIT, methods=("POST",))
def cell_save(request: HttpRequest, year: int) -> HttpResponse:
    """One cell, saved as the user leaves it (htmx): the cell and the totals come back."""
    budget = _budget(request, year)
    try:
        line_id = int(request.POST["line"])
        offset = int(request.POST["offset"])
        expected = int(request.POST.get("cell_version", "0"))
    except (KeyError, ValueError) as exc:
        raise Http404("Okänd cell.") from exc
    if offset not in (0, 1, 2):  # the budget year and the two plan years
        raise Http404("Okänd cell.")
    line = get_object_or_404(BudgetLine, association=request.association, pk=line_id)
    # The input posts itself under its own name; "amount" serves other clients.
    typed = request.POST.get(f"cell-{line_id}-{offset}", request.POST.get("amount", ""))
    error = None
    version = budget.versions.order_by("-number").first()
    try:
        amount = parse_amount(typed, allow_empty=True)
        services.budget_amount_set(
            budget_version=version,
            line=line,
            offset=offset,
            amount=amount,
            expected_version=expected,
            by=request.user,
        )
    except AmountError as exc:
        error = exc.messages[0]
    except StaleEdit as exc:
        other = exc.current.amount if exc.current is not None else None
        shown = "tom" if other is None else f"{format_kronor(other)} kr"
        error = f"{exc.message} Den andra personens värde: {shown}."
        typed = None
    except ServiceError as exc:
        error = exc.message
    grid = selectors.budget_grid(budget=budget, can_edit=True)
    group, cell = _find_group_and_cell(grid, line.id, offset)
    if error:
        cell.error = error
        cell.typed = typed
    elif (warning := selectors.cell_warning(group, cell)) is not None:
        cell.warning = f"Sparat, men kontrollera: {warning}"
    response = render(
        request,
        "budgets/cell_response.html",
        {
            "grid": grid,
            "cell": cell,
            "row_line": line,
            "cell_url": _url("cell_save", request, year=year),
            "can_edit": True,
        },
    )
    if not error:
        response["HX-Trigger"] = "budget-changed"  # the totals fetch themselves anew
    return response


@association_view(READ)
def budget_totals(request: HttpRequest, year: int) -> HttpResponse:
    """Group sums and totals of the latest version, as rows swapped in by id; a plain
    request (no htmx) gets the whole budget page instead of a bare fragment."""
    budget = _budget(request, year)
    if not request.htmx:
        return _grid_page(
            request, selectors.budget_grid(budget=budget, can_edit=can_edit(request.role))
        )
    return render(
        request, "budgets/totals_oob.html", {"grid": selectors.budget_grid(budget=budget)}
    )


@association_view(EDIT, methods=("POST",))
def grid_save(request: HttpRequest, year: int) -> HttpResponse:
    """The whole grid as one form (without JavaScript): all cells or none."""
    budget = _budget(request, year)
    grid = selectors.budget_grid(budget=budget, can_edit=True)
    changes = []
    errors = 0
    for group in grid.groups:
        for row in group.rows:
            for cell in row.cells:
                name = f"cell-{cell.line_id}-{cell.offset}"
                if not cell.editable or name not in request.POST:
                    continue
                typed = request.POST[name]
                try:
                    amount = parse_amount(typed, allow_empty=True)
                except AmountError as exc:
                    cell.error, cell.typed = exc.messages[0], typed
                    errors += 1
                    continue
                if amount != cell.amount:
                    expected = _posted_version(request, f"v-{cell.line_id}-{cell.offset}")
                    changes.append((row.line, cell, amount, expected, typed))
    if not errors:
        try:
            _apply(grid, changes, request.user)
        except ServiceError as exc:
            messages.error(request, exc.message)
            for _, cell, _, _, typed in changes:
                cell.typed = typed
            return _grid_page(request, grid, status=400, errors=1)
        messages.success(request, f"{len(changes)} belopp är sparade.")
        saved = selectors.budget_grid(budget=budget)
        for warning in selectors.amount_warnings(saved):
            messages.warning(request, f"Kontrollera: {warning}")
        return redirect(_url("budget_detail", request, year=year))
    for _, cell, _amount, _, typed in changes:
        cell.typed = typed
    return _grid_page(request, grid, status=400, errors=errors)


def _posted_version(request: HttpRequest, name: str) -> int:
    """The version a form was read at; anything but a whole number counts as none
    (a stale or tampered form is then refused by the version check, not a 500)."""
    try:
        return int(request.POST.get(name, "0") or 0)
    except ValueError:
        return 0


def _apply(grid, changes, user) -> None:
    with transaction.atomic():
        for line, cell, amount, expected, _ in changes:
            services.budget_amount_set(
                budget_version=grid.version,
                line=line,
                offset=cell.offset,
                amount=amount,
                expected_version=expected,
                by=user,
            )


@association_view(EDIT)
def budget_decide(request: HttpRequest, year: int) -> HttpResponse:
    """The board's decision of the latest version: checklist, then date and paragraph."""
    from reporting.decision_views import decision_made, decision_page
    from reporting.decisions import plan_checklist

    budget = _budget(request, year)
    version = budget.versions.order_by("-number").first()
    back = _url("budget_detail", request, year=year)
    crumbs = [("Budget", _url("index", request)), (f"Budget {year}", back), ("Beslut", None)]
    if version.is_decided:
        return decision_made(
            request,
            title=f"Besluta budget {year}",
            done=(
                f"Version {version.number} beslutades av styrelsen {version.decided_on}"
                f"{', ' + version.paragraph if version.paragraph else ''}. Gör en revidering för att ändra budgeten; den beslutade "
                "versionen ligger kvar som den är."
            ),
            back=back,
            breadcrumbs=crumbs,
            nav_section="budgets",
        )
    plan_url = reverse(
        "reporting:document_verksamhetsplan",
        kwargs={"slug": request.association.slug, "year": year},
    )

    def decide(data: dict) -> str:
        services.budget_decide(
            budget_version=version,
            decided_on=data["decided_on"],
            paragraph=data["paragraph"],
            confirmed=bool(data.get("confirm")),
            by=request.user,
        )
        return (
            f"Version {version.number} av budget {year} är beslutad; verksamhetsplanen är "
            "sparad som beslutad PDF."
        )

    return decision_page(
        request,
        title=f"Besluta budget {year}, version {version.number}",
        intro=(
            f"Registrera styrelsens beslut om verksamhetsplan och budget {year} "
            f"(version {version.number})."
        ),
        checklist=plan_checklist(request.association, version),
        previews=[
            ("Verksamhetsplanen (utkast)", f"{plan_url}?version={version.number}"),
            ("som PDF", f"{plan_url}pdf/?version={version.number}"),
        ],
        submit=f"Registrera beslutet om version {version.number}",
        texts_url=f"{plan_url}texter/",
        decide=decide,
        back=back,
        breadcrumbs=crumbs,
        nav_section="budgets",
    )


@association_view(EDIT, methods=("POST",))
def budget_revise(request: HttpRequest, year: int) -> HttpResponse:
    budget = _budget(request, year)
    try:
        version = services.budget_revise(budget=budget, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Version {version.number} är skapad som utkast att revidera.")
    return redirect(_url("budget_detail", request, year=year))


STATE_LABEL = "Statens bidrag, Staten (AF+FK) (för bidragsrader)"
STATE_HELP = "Raden fylls med statens hälft av tilldelningen under Bidrag."
REPORTED_UNDER_LABEL = "Redovisas i driftredovisningen under (för intäktsrader)"
REPORTED_UNDER_HELP = (
    "Radens utfall och budget står som intäkt på den valda raden i årsredovisningens "
    "driftredovisning, till exempel övriga intäkter på kansliet."
)


class LineForm(BoundedForm, forms.Form):
    name = forms.CharField(label="Namn", max_length=200)
    group = forms.ChoiceField(label="Grupp", choices=BudgetLine.GROUPS)
    member = forms.ModelChoiceField(
        label="Medlem (för bidragsrader)", queryset=Member.objects.none(), required=False
    )
    state = forms.BooleanField(label=STATE_LABEL, help_text=STATE_HELP, required=False)
    insats = forms.ModelChoiceField(
        label="Insats (för insatsrader)", queryset=Insats.objects.none(), required=False
    )
    category = forms.ChoiceField(
        label="Kostnadsslag (för insatsrader utan kopplad insats)",
        choices=[("", "—"), *BudgetLine._meta.get_field("category").choices],
        required=False,
    )


def _line_form(association, data=None, form_class=None, **kwargs):
    """A line form whose choices are the association's own members and insatser."""
    form = (form_class or LineForm)(data, **kwargs)
    form.fields["member"].queryset = Member.objects.filter(association=association)
    form.fields["insats"].queryset = Insats.objects.filter(association=association)
    if "reported_under" in form.fields:
        form.fields["reported_under"].queryset = BudgetLine.objects.filter(association=association)
    return form


@association_view(EDIT)
def line_create(request: HttpRequest) -> HttpResponse:
    form = _line_form(request.association, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_save(
                association=request.association, data=form.cleaned_data, by=request.user
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Budgetposten är tillagd.")
            return redirect(safe_next(request, _url("index", request)))
    return render(
        request,
        "members/object_form.html",
        {
            "form": form,
            "title": "Ny budgetpost",
            "nav_section": "budgets",
            "breadcrumbs": [("Budget", _url("index", request)), ("Ny budgetpost", None)],
        },
        status=400 if form.errors else 200,
    )


@association_view(READ)
def budget_comparison(request: HttpRequest, year: int) -> HttpResponse:
    budget = _budget(request, year)
    return render(
        request,
        "budgets/budget_comparison.html",
        {
            "comparison": selectors.comparison(budget=budget),
            "budget": budget,
            "nav_section": "budgets",
            "breadcrumbs": [
                ("Budget", _url("index", request)),
                (f"Budget {year}", _url("budget_detail", request, year=year)),
                ("Jämförelse och uppföljning", None),
            ],
        },
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@association_view(READ)
def budget_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    grid = selectors.budget_grid(
        budget=_budget(request, year), version_number=_version_number(request)
    )
    return _xlsx_response(
        excel.grid_to_xlsx(grid), f"budget-{request.association.slug}-{year}.xlsx"
    )


@association_view(READ)
def comparison_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    comparison = selectors.comparison(budget=_budget(request, year))
    return _xlsx_response(
        excel.comparison_to_xlsx(comparison, association=request.association),
        f"jamforelse-{request.association.slug}-{year}.xlsx",
    )


IMPORT_SALT = "budgets.import"
SHEET_SALT = "budgets.import.sheet"
SKIP = "skip"


def _import_preview(request: HttpRequest, budget: Budget, parsed: excel.ParsedSheet) -> dict:
    """Compare a read sheet with the latest version: the preview, the signed payload
    to apply it, and the signed sheet for choosing lines without uploading again."""
    grid = selectors.budget_grid(budget=budget, can_edit=True)
    closed = frozenset(
        FiscalYear.objects.filter(
            association=request.association, year__in=grid.years, closed_on__isnull=False
        ).values_list("year", flat=True)
    )
    mappings = dict(
        ExcelRowMapping.objects.filter(association=request.association).values_list(
            "name", "line_id"
        )
    )
    preview = excel.compare(parsed, grid=grid, mappings=mappings, closed_years=closed)
    lines = [row.line for group in grid.groups for row in group.rows if not row.line.retired]
    return {
        "preview": preview,
        "parsed": parsed,
        "years": grid.years,
        "line_choices": [
            (label, [line for line in lines if line.group == key])
            for key, label in BudgetLine.GROUPS
            if any(line.group == key for line in lines)
        ],
        "sheet": signing.dumps(parsed.to_payload(), salt=SHEET_SALT, compress=True),
        "payload": signing.dumps(
            {
                "version": grid.version.pk,
                "changes": [
                    [c.line_id, c.offset, str(c.new), c.cell_version, _text(c.old)]
                    for c in preview.changes
                ],
            },
            salt=IMPORT_SALT,
        ),
    }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _save_row_choices(request: HttpRequest, parsed: excel.ParsedSheet) -> int:
    """Remember the lines chosen for rows of the sheet; returns how many were saved."""
    lines = {
        str(line.pk): line for line in BudgetLine.objects.filter(association=request.association)
    }
    saved = 0
    for index, row in enumerate(parsed.rows):
        choice = request.POST.get(f"map-{index}", "")
        if choice == "":
            continue
        if choice != SKIP and choice not in lines:
            raise ServiceError(f"Välj en budgetpost för raden ”{row.name}”.")
        services.excel_row_mapping_save(
            association=request.association,
            name=row.name,
            line=None if choice == SKIP else lines[choice],
            by=request.user,
        )
        saved += 1
    return saved


@association_view(EDIT)
def budget_import(request: HttpRequest, year: int) -> HttpResponse:
    """Upload a sheet and see what it would change; nothing but the choice of lines
    for unknown rows is saved here."""
    budget = _budget(request, year)
    context = {
        "budget": budget,
        "nav_section": "budgets",
        "skip": SKIP,
        "breadcrumbs": [
            ("Budget", _url("index", request)),
            (f"Budget {year}", _url("budget_detail", request, year=year)),
            ("Importera från Excel", None),
        ],
    }
    if request.method == "POST" and "sheet" in request.POST:
        try:
            parsed = excel.ParsedSheet.from_payload(
                signing.loads(request.POST["sheet"], salt=SHEET_SALT, max_age=6 * 3600)
            )
            if parsed.year != budget.year:
                raise signing.BadSignature
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            context["error"] = (
                "Förhandsgranskningen är för gammal eller ogiltig. Läs in filen igen."
            )
        else:
            try:
                saved = _save_row_choices(request, parsed)
            except ServiceError as exc:
                context["error"] = exc.message
            else:
                if saved:
                    messages.success(
                        request,
                        f"{saved} radkoppling{'ar' if saved != 1 else ''} sparade; de gäller "
                        "också nästa fil.",
                    )
            context.update(_import_preview(request, budget, parsed))
            context["file_name"] = request.POST.get("file_name", "")[:255]
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = "Välj en Excel-fil att läsa in."
        elif upload.size > excel.MAX_BYTES:
            context["error"] = "Filen är större än 5 MB. Är det verkligen en budget?"
        else:
            try:
                parsed = excel.parse_budget_xlsx(
                    upload.read(), year=budget.year, thousands=bool(request.POST.get("tkr"))
                )
                context.update(_import_preview(request, budget, parsed))
            except excel.ImportRefused as exc:
                context["error"] = str(exc)
            else:
                context["file_name"] = upload.name
    status = 400 if context.get("error") and "preview" not in context else 200
    return render(request, "budgets/budget_import.html", context, status=status)


def _stale_import_message(version: BudgetVersion, changes: list) -> str:
    """Why a previewed import no longer applies, in the words of what happened."""
    version.refresh_from_db()
    if version.is_decided:
        return (
            f"Ingenting är inläst: version {version.number} beslutades "
            f"{version.decided_on} efter förhandsgranskningen. Gör en revidering och läs in "
            "filen igen."
        )
    stored = {
        (a.line_id, a.offset): a.amount
        for a in BudgetAmount.objects.filter(budget_version=version).select_related("line")
    }
    if all(stored.get((c[0], c[1])) == Decimal(c[2]) for c in changes):  # the Back button
        return (
            "Den här förhandsgranskningen är redan inläst (till exempel efter webbläsarens "
            "Bakåt-knapp): budgeten har redan alla belopp från filen. Ingenting har ändrats."
        )
    names = dict(
        BudgetLine.objects.filter(pk__in=[c[0] for c in changes]).values_list("pk", "name")
    )
    moved = [
        f"{names.get(c[0], '?')} {version.budget.year + c[1]} "
        f"(nu {format_kronor(stored.get((c[0], c[1])))} kr)"
        for c in changes
        if (stored.get((c[0], c[1])) != (Decimal(c[4]) if len(c) > 4 and c[4] else None))
        and stored.get((c[0], c[1])) != Decimal(c[2])
    ]
    listed = "; ".join(moved[:5]) + (f" och {len(moved) - 5} till" if len(moved) > 5 else "")
    return (
        "Ingenting är inläst: budgeten har ändrats efter förhandsgranskningen"
        + (f" ({listed})" if listed else "")
        + ". Läs in filen igen så ser du vad den ändrar nu."
    )


@association_view(EDIT, methods=("POST",))
def budget_import_apply(request: HttpRequest, year: int) -> HttpResponse:
    """Apply a previewed import: every change in one transaction, or none."""
    budget = _budget(request, year)
    try:
        payload = signing.loads(request.POST.get("payload", ""), salt=IMPORT_SALT, max_age=3600)
    except signing.BadSignature:
        messages.error(
            request, "Förhandsgranskningen är för gammal eller ogiltig. Läs in filen igen."
        )
        return redirect(_url("budget_import", request, year=year))
    version = get_object_or_404(BudgetVersion, budget=budget, pk=payload["version"])
    lines = {
        line.id: line
        for line in BudgetLine.objects.filter(
            association=request.association, pk__in=[c[0] for c in payload["changes"]]
        )
    }
    try:
        with transaction.atomic():
            for line_id, offset, amount, cell_version, *_ in payload["changes"]:
                services.budget_amount_set(
                    budget_version=version,
                    line=lines[line_id],
                    offset=offset,
                    amount=Decimal(amount),
                    expected_version=cell_version,
                    by=request.user,
                )
    except StaleEdit:
        messages.error(request, _stale_import_message(version, payload["changes"]))
        return redirect(_url("budget_import", request, year=year))
    except ServiceError as exc:
        if version.is_decided or BudgetVersion.objects.get(pk=version.pk).is_decided:
            messages.error(request, _stale_import_message(version, payload["changes"]))
        else:
            messages.error(request, f"Ingenting är inläst: {exc.message}")
        return redirect(_url("budget_import", request, year=year))
    messages.success(request, f"{len(payload['changes'])} belopp är inlästa från Excel.")
    return redirect(_url("budget_detail", request, year=year))


class LineEditForm(BoundedForm, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="Namn", max_length=200)
    group = forms.ChoiceField(label="Grupp", choices=BudgetLine.GROUPS)
    sort_order = forms.IntegerField(label="Ordning", min_value=0, max_value=100000)
    retired = forms.BooleanField(
        label="Avslutad (visas inte i nya budgetar; historiken finns kvar)", required=False
    )
    member = forms.ModelChoiceField(
        label="Medlem (för bidragsrader)", queryset=Member.objects.none(), required=False
    )
    state = forms.BooleanField(label=STATE_LABEL, help_text=STATE_HELP, required=False)
    insats = forms.ModelChoiceField(
        label="Insats (för insatsrader)", queryset=Insats.objects.none(), required=False
    )
    category = forms.ChoiceField(
        label="Kostnadsslag (för insatsrader utan kopplad insats)",
        choices=[("", "—"), *BudgetLine._meta.get_field("category").choices],
        required=False,
    )
    reported_under = forms.ModelChoiceField(
        label=REPORTED_UNDER_LABEL,
        help_text=REPORTED_UNDER_HELP,
        queryset=BudgetLine.objects.none(),
        required=False,
    )


@association_view(READ)
def line_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "budgets/line_list.html",
        {
            "lines": list(BudgetLine.objects.filter(association=request.association)),
            "can_edit": can_edit(request.role),
            "nav_section": "budgets",
            "breadcrumbs": [("Budget", _url("index", request)), ("Budgetposter", None)],
        },
    )


@association_view(EDIT)
def line_edit(request: HttpRequest, budgetline_id: int) -> HttpResponse:
    line = get_object_or_404(BudgetLine, association=request.association, pk=budgetline_id)
    initial = {
        "version": line.version,
        "name": line.name,
        "group": line.group,
        "sort_order": line.sort_order,
        "retired": line.retired,
        "member": line.member_id,
        "state": line.state,
        "insats": line.insats_id,
        "category": line.category,
        "reported_under": line.reported_under_id,
    }
    form = _line_form(request.association, request.POST or None, LineEditForm, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.budget_line_save(
                association=request.association,
                data=data,
                line=line,
                expected_version=form.cleaned_data.get("version"),
                by=request.user,
            )
        except StaleEdit as exc:
            stale = [
                ("Namn", exc.current.name),
                ("Avslutad", "ja" if exc.current.retired else "nej"),
            ]
            form.add_error(None, exc.message)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Budgetposten är sparad.")
            return redirect(_url("line_list", request))
    return render(
        request,
        "members/object_form.html",
        {
            "form": form,
            "stale": stale,
            "title": f"Ändra budgetposten {line.name}",
            "nav_section": "budgets",
            "breadcrumbs": [("Budgetposter", _url("line_list", request)), (line.name, None)],
        },
        status=400 if form.errors else 200,
    )


def _amount_rows(request: HttpRequest, lines, current: dict[int, Decimal], tokens: dict[int, str]):
    """Per line: typed text, parsed amount or error, and the version it was read at
    (posted back, so a save over somebody else's newer figure is refused). Empty
    means no change."""
    rows, errors = [], 0
    for line in lines:
        name = f"line-{line.id}"
        typed = request.POST.get(name) if request.method == "POST" else None
        token = request.POST.get(f"v-{line.id}") if request.method == "POST" else None
        row = {
            "line": line,
            "name": name,
            "current": current.get(line.id),
            "typed": typed,
            "token": token if token is not None else tokens.get(line.id, "0"),
        }
        if typed is not None and typed.strip():
            try:
                row["amount"] = parse_amount(typed)
            except AmountError as exc:
                row["error"] = exc.messages[0]
                errors += 1
        rows.append(row)
    return rows, errors


def _save_rows(request: HttpRequest, rows: list[dict], save) -> str | None:
    """Save every changed row in one transaction; a stale row refuses them all and
    is marked with what is saved now. Returns a message for the page, or None."""
    row = None
    try:
        with transaction.atomic():
            for row in rows:
                if "amount" in row and row["amount"] != row["current"]:
                    save(row)
    except StaleEdit as exc:
        row["error"] = exc.message
        if exc.current is not None:
            row["current"] = exc.current.amount
        return "Någon annan har sparat samma belopp sedan du öppnade sidan; ingenting är sparat."
    except ServiceError as exc:
        return exc.message
    return None


def _amounts_page(request, *, title, year, rows, extra, status=200):
    return render(
        request,
        "budgets/amounts_form.html",
        {
            "title": title,
            "rows": rows,
            "year": year,
            "nav_section": "budgets",
            "breadcrumbs": [
                ("Budget", _url("index", request)),
                (title, None),
            ],
            **extra,
        },
        status=status,
    )


@association_view(EDIT)
def forecast_edit(request: HttpRequest, year: int) -> HttpResponse:
    """A full-year prognos per line, as of a board meeting; earlier ones are kept."""
    lines = [
        line
        for line in BudgetLine.objects.filter(association=request.association)
        if not line.retired
    ]
    latest: dict[int, Decimal] = {}
    tokens: dict[int, str] = {}
    from budgets.models import Forecast

    for f in Forecast.objects.filter(line__association=request.association, year=year).order_by(
        "made_on", "id"
    ):
        latest[f.line_id] = f.amount
        tokens[f.line_id] = services.forecast_token(f)
    rows, errors = _amount_rows(request, lines, latest, tokens)
    made_on_text = request.POST.get("made_on", datetime.date.today().isoformat())
    date_error = None
    if request.method == "POST":
        try:
            made_on = datetime.date.fromisoformat(made_on_text)
        except ValueError:
            date_error = "Ange prognosdatum som ÅÅÅÅ-MM-DD."
            errors += 1
        if not errors:
            problem = _save_rows(
                request,
                rows,
                lambda row: services.forecast_set(
                    line=row["line"],
                    year=year,
                    made_on=made_on,
                    amount=row["amount"],
                    expected=row["token"],
                    by=request.user,
                ),
            )
            if problem is None:
                messages.success(request, f"Prognosen för {year} per {made_on} är sparad.")
                return redirect(_url("forecast_edit", request, year=year))
            messages.error(request, problem)
            errors += 1
    return _amounts_page(
        request,
        title=f"Prognos {year}",
        year=year,
        rows=rows,
        extra={
            "kind": "forecast",
            "made_on": made_on_text,
            "date_error": date_error,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@association_view(EDIT)
def actuals_edit(request: HttpRequest, year: int) -> HttpResponse:
    """Outcome per line for one month, entered by hand."""
    try:
        month = int(
            request.POST.get("month") or request.GET.get("manad") or datetime.date.today().month
        )
    except ValueError:
        month = 1
    month = min(max(month, 1), 12)
    from budgets.models import Actual

    lines = [
        line
        for line in BudgetLine.objects.filter(association=request.association)
        if not line.retired
    ]
    stored = list(
        Actual.objects.filter(line__association=request.association, year=year, month=month)
    )
    current = {a.line_id: a.amount for a in stored}
    rows, errors = _amount_rows(
        request, lines, current, {a.line_id: str(a.version) for a in stored}
    )
    if request.method == "POST" and not errors:
        fiscal_year = services.fiscal_year_ensure(
            association=request.association, year=year, by=request.user
        )
        problem = _save_rows(
            request,
            rows,
            lambda row: services.actuals_set(
                fiscal_year=fiscal_year,
                line=row["line"],
                month=month,
                amount=row["amount"],
                expected_version=int(row["token"]) if row["token"].isdigit() else None,
                by=request.user,
            ),
        )
        if problem is None:
            messages.success(request, f"Utfallet för {year}-{month:02d} är sparat.")
            return redirect(_url("actuals_edit", request, year=year) + f"?manad={month}")
        messages.error(request, problem)
        errors += 1
    return _amounts_page(
        request,
        title=f"Utfall {year}",
        year=year,
        rows=rows,
        extra={"kind": "actuals", "month": month, "months": range(1, 13), "errors": errors},
        status=400 if errors else 200,
    )
