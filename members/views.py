"""Views of the members app: thin, through the tenancy decorator and the services."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from finsam.services import ServiceError, StaleEdit
from finsam.tenancy import EDIT, READ, association_view, can_edit
from members import selectors, services
from members.forms import AllocationForm, AppointmentForm, AssociationForm, MemberForm, PersonForm
from members.models import Appointment, Member, Person, StateAllocation


def _url(name: str, request: HttpRequest, **kwargs) -> str:
    return reverse(f"members:{name}", kwargs={"slug": request.association.slug, **kwargs})


def _done(request: HttpRequest, url: str, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _stale_values(exc: StaleEdit, form) -> list[tuple[str, str]]:
    """The other person's saved values, labelled as in the form, for the stale message."""
    current = exc.current
    rows = []
    for name, field in form.fields.items():
        if name == "version" or not hasattr(current, name):
            continue
        value = getattr(current, name)
        if hasattr(current, f"get_{name}_display"):
            value = getattr(current, f"get_{name}_display")()
        rows.append((str(field.label), "" if value is None else str(value)))
    return rows


def _form_page(
    request: HttpRequest,
    *,
    form,
    save: Callable,
    done_url: str,
    done_message: str,
    title: str,
    section: str,
    back: tuple[str, str],
    extra: dict | None = None,
) -> HttpResponse:
    """Validate, call the service, and show errors or a stale-edit notice on the form."""
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except StaleEdit as exc:
            stale = _stale_values(exc, form)
            form.add_error(None, exc.message)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _done(request, done_url, done_message)
    context = {
        "form": form,
        "title": title,
        "stale": stale,
        "nav_section": section,
        "breadcrumbs": [back, (title, None)],
        **(extra or {}),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "members/object_form.html", context, status=status)


@association_view(READ)
def association_home(request: HttpRequest) -> HttpResponse:
    association = request.association
    appointments = selectors.appointments_of(association=association)
    current, _ = selectors.split_current(appointments, datetime.date.today())
    allocations = selectors.allocations_of(association=association)
    return render(
        request,
        "members/association_home.html",
        {
            "members": selectors.members_of(association=association),
            "board": [a for a in current if a.role in Appointment.BOARD_ROLES],
            "allocations": [
                (a, sum((c.amount for c in a.contributions.all()), Decimal(0)))
                for a in allocations[:2]
            ],
            "can_edit": can_edit(request.role),
            "nav_section": "start",
        },
    )


@association_view(EDIT)
def association_edit(request: HttpRequest) -> HttpResponse:
    association = request.association
    form = AssociationForm(request.POST or None, instance=association)

    def save(f):
        services.association_update(
            association=association,
            data=f.data_for_service(),
            expected_version=f.cleaned_data.get("version"),
            by=request.user,
        )

    return _form_page(
        request,
        form=form,
        save=save,
        done_url=_url("association_home", request),
        done_message="Förbundets uppgifter är sparade.",
        title="Ändra förbundets uppgifter",
        section="start",
        back=("Översikt", _url("association_home", request)),
    )


@association_view(READ)
def member_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "members/member_list.html",
        {
            "members": selectors.members_of(association=request.association),
            "can_edit": can_edit(request.role),
            "nav_section": "members",
        },
    )


def _member_form(request: HttpRequest, member: Member | None) -> HttpResponse:
    form = MemberForm(request.POST or None, instance=member)

    def save(f):
        services.member_save(
            association=request.association,
            data=f.data_for_service(),
            member=member,
            expected_version=f.cleaned_data.get("version"),
            by=request.user,
        )

    return _form_page(
        request,
        form=form,
        save=save,
        done_url=_url("member_list", request),
        done_message="Medlemmen är sparad.",
        title=f"Ändra {member.name}" if member else "Ny medlem",
        section="members",
        back=("Medlemmar", _url("member_list", request)),
    )


@association_view(EDIT)
def member_create(request: HttpRequest) -> HttpResponse:
    return _member_form(request, None)


@association_view(EDIT)
def member_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    member = get_object_or_404(Member, association=request.association, pk=member_id)
    return _member_form(request, member)


@association_view(READ)
def people_list(request: HttpRequest) -> HttpResponse:
    appointments = selectors.appointments_of(association=request.association)
    current, earlier = selectors.split_current(appointments, datetime.date.today())
    groups = [
        ("Styrelse", [a for a in current if a.role in Appointment.BOARD_ROLES]),
        ("Revisorer", [a for a in current if a.role in Appointment.AUDIT_ROLES]),
        ("Kansli", [a for a in current if a.role in Appointment.OFFICE_ROLES]),
    ]
    return render(
        request,
        "members/people_list.html",
        {
            "groups": groups,
            "earlier": earlier,
            "people": list(request.association.people.all()),
            "can_edit": can_edit(request.role),
            "nav_section": "people",
        },
    )


def _person_form(request: HttpRequest, person: Person | None) -> HttpResponse:
    form = PersonForm(request.POST or None, instance=person)

    def save(f):
        services.person_save(
            association=request.association,
            data=f.data_for_service(),
            person=person,
            expected_version=f.cleaned_data.get("version"),
            by=request.user,
        )

    return _form_page(
        request,
        form=form,
        save=save,
        done_url=_url("people_list", request),
        done_message="Personen är sparad.",
        title=f"Ändra {person.name}" if person else "Ny person",
        section="people",
        back=("Organisation", _url("people_list", request)),
    )


@association_view(EDIT)
def person_create(request: HttpRequest) -> HttpResponse:
    return _person_form(request, None)


@association_view(EDIT)
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, association=request.association, pk=person_id)
    return _person_form(request, person)


def _appointment_form(request: HttpRequest, appointment: Appointment | None) -> HttpResponse:
    form = AppointmentForm(
        request.POST or None, instance=appointment, association=request.association
    )

    def save(f):
        services.appointment_save(
            association=request.association,
            data=f.data_for_service(),
            appointment=appointment,
            expected_version=f.cleaned_data.get("version"),
            by=request.user,
        )

    return _form_page(
        request,
        form=form,
        save=save,
        done_url=_url("people_list", request),
        done_message="Uppdraget är sparat.",
        title="Ändra uppdrag" if appointment else "Nytt uppdrag",
        section="people",
        back=("Organisation", _url("people_list", request)),
        extra={"appointment": appointment},
    )


@association_view(EDIT)
def appointment_create(request: HttpRequest) -> HttpResponse:
    return _appointment_form(request, None)


@association_view(EDIT)
def appointment_edit(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_object_or_404(
        Appointment, association=request.association, pk=appointment_id
    )
    return _appointment_form(request, appointment)


@association_view(EDIT, methods=("POST",))
def appointment_delete(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_object_or_404(
        Appointment, association=request.association, pk=appointment_id
    )
    services.appointment_delete(
        association=request.association, appointment=appointment, by=request.user
    )
    return _done(request, _url("people_list", request), "Uppdraget är borttaget.")


@association_view(READ)
def allocation_list(request: HttpRequest) -> HttpResponse:
    allocations = selectors.allocations_of(association=request.association)
    rows = [
        {
            "allocation": a,
            "total": sum((c.amount for c in a.contributions.all()), Decimal(0)),
        }
        for a in allocations
    ]
    return render(
        request,
        "members/allocation_list.html",
        {"rows": rows, "can_edit": can_edit(request.role), "nav_section": "allocations"},
    )


@association_view(READ)
def allocation_detail(request: HttpRequest, year: int) -> HttpResponse:
    allocation = selectors.allocation_for(association=request.association, year=year)
    if allocation is None:
        raise Http404("Ingen tilldelning för det året.")
    contributions = list(allocation.contributions.all())
    weights = {s.member_id: s.weight for s in allocation.shares.all()}
    weight_sum = sum(weights.values(), Decimal(0))
    rows = [
        {
            "contribution": c,
            "weight": weights.get(c.member_id),
            "share": weights[c.member_id] * 100 / weight_sum
            if c.member_id in weights and weight_sum
            else None,
        }
        for c in contributions
    ]
    return render(
        request,
        "members/allocation_detail.html",
        {
            "allocation": allocation,
            "rows": rows,
            "total": sum((c.amount for c in contributions), Decimal(0)),
            "exact": sum((c.amount for c in contributions), Decimal(0)) == 2 * allocation.amount,
            "can_edit": can_edit(request.role),
            "nav_section": "allocations",
            "breadcrumbs": [
                ("Bidrag", _url("allocation_list", request)),
                (str(allocation.year), None),
            ],
        },
    )


def _allocation_page(request: HttpRequest, allocation: StateAllocation | None) -> HttpResponse:
    association = request.association
    year = allocation.year if allocation else _posted_year(request)
    municipalities = selectors.municipalities_in_year(association=association, year=year)
    initial = {"year": year, "key_basis": StateAllocation.PERCENT}
    if allocation:
        initial.update(
            version=allocation.version,
            amount=allocation.amount,
            decided_on=allocation.decided_on,
            key_basis=allocation.key_basis,
            note=allocation.note,
        )
        initial.update({f"weight_{s.member_id}": s.weight for s in allocation.shares.all()})
    previous = None
    if allocation is None:
        # Last year's key is offered as the start: the key rarely changes much.
        previous = selectors.allocation_before(association=association, year=year)
        if previous is not None:
            initial["key_basis"] = previous.key_basis
            known = {m.id for m in municipalities}
            initial.update(
                {
                    f"weight_{s.member_id}": s.weight
                    for s in previous.shares.all()
                    if s.member_id in known
                }
            )
    form = AllocationForm(
        request.POST or None,
        initial=initial,
        municipalities=municipalities,
        fixed_year=allocation.year if allocation else None,
    )
    stale = None
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = _preview(request, form)
        else:
            try:
                services.allocation_save(
                    association=association,
                    year=form.cleaned_data["year"],
                    amount=form.cleaned_data["amount"],
                    decided_on=form.cleaned_data["decided_on"],
                    key_basis=form.cleaned_data["key_basis"],
                    weights=form.weights(),
                    note=form.cleaned_data["note"],
                    allocation=allocation,
                    expected_version=form.cleaned_data.get("version"),
                    by=request.user,
                )
            except StaleEdit as exc:
                current = exc.current
                stale = [
                    ("Statens bidrag (kr)", current.amount),
                    ("Beslutsdatum", current.decided_on or ""),
                ]
                form.add_error(None, exc.message)
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                return _done(
                    request,
                    _url("allocation_detail", request, year=form.cleaned_data["year"]),
                    f"Tilldelningen för {form.cleaned_data['year']} är sparad och bidragen "
                    "är beräknade.",
                )
    if preview is None and allocation and request.method == "GET":
        preview = _preview_from(allocation.amount, municipalities, initial, association)
    title = f"Ändra tilldelning {allocation.year}" if allocation else "Ny tilldelning"
    return render(
        request,
        "members/allocation_form.html",
        {
            "form": form,
            "allocation": allocation,
            "preview": preview,
            "stale": stale,
            "title": title,
            "year": year,
            "previous": previous,
            "nav_section": "allocations",
            "breadcrumbs": [("Bidrag", _url("allocation_list", request)), (title, None)],
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


def _posted_year(request: HttpRequest) -> int:
    raw = request.POST.get("year") or request.GET.get("year") or ""
    try:
        year = int(raw)
    except ValueError:
        year = datetime.date.today().year + 1
    return min(max(year, 2004), 2100)


def _preview(request: HttpRequest, form: AllocationForm) -> dict:
    return _preview_from(
        form.cleaned_data["amount"],
        form.municipalities,
        {f"weight_{m.id}": form.cleaned_data.get(f"weight_{m.id}") for m in form.municipalities},
        request.association,
    )


def _preview_from(amount, municipalities, weights: dict, association) -> dict:
    region = next((m for m in association.members.all() if m.kind == Member.REGION), None)
    keyed = [
        (m.id, m.name, weights[f"weight_{m.id}"])
        for m in municipalities
        if weights.get(f"weight_{m.id}") is not None
    ]
    try:
        parts = services.contributions_split(
            state_amount=amount,
            region=(region.id, region.name) if region else None,
            municipalities=keyed,
        )
    except ServiceError as exc:
        return {"error": exc.message}
    total = sum((p.amount for p in parts), Decimal(0))
    return {"parts": parts, "total": total, "exact": total == 2 * parts[0].amount}


@association_view(EDIT)
def allocation_create(request: HttpRequest) -> HttpResponse:
    return _allocation_page(request, None)


@association_view(EDIT)
def allocation_edit(request: HttpRequest, year: int) -> HttpResponse:
    allocation = get_object_or_404(StateAllocation, association=request.association, year=year)
    return _allocation_page(request, allocation)


@association_view(EDIT, methods=("POST",))
def allocation_preview(request: HttpRequest) -> HttpResponse:
    """The live split as kansli types (htmx): a partial, never a save."""
    year = _posted_year(request)
    municipalities = selectors.municipalities_in_year(association=request.association, year=year)
    form = AllocationForm(request.POST, municipalities=municipalities)
    if form.is_valid():
        preview = _preview(request, form)
    else:
        preview = {"errors": [e for errors in form.errors.values() for e in errors]}
    # The key's heading follows the chosen year (swapped out of band by htmx).
    return render(
        request, "members/allocation_preview.html", {"preview": preview, "key_year": year}
    )
