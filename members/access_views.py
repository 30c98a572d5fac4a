"""Set-up and access: a new association (superusers), the Behörigheter page (kansli),
and the invitation's link (anybody holding it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from finsam.services import ServiceError
from finsam.tenancy import EDIT, association_view, public_view, superuser_view
from members import services
from members.access_forms import AcceptForm, AssociationCreateForm, InviteForm, RoleForm
from members.invitations import invitation_from_key
from members.models import Invitation, UserRole


def _refused(form, exc: ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _access_url(request: HttpRequest) -> str:
    return reverse("members:access_list", kwargs={"slug": request.association.slug})


@superuser_view(methods=("GET", "POST"))
def association_create(request: HttpRequest) -> HttpResponse:
    form = AssociationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            association = services.association_create(
                data=form.data_for_service(), members=form.members(), by=request.user
            )
        except ServiceError as exc:
            _refused(form, exc)
        else:
            messages.success(
                request,
                f"{association.name} är skapat. Bjud in kansliet under Behörigheter.",
            )
            return redirect("members:association_home", slug=association.slug)
    context = {
        "form": form,
        "title": "Nytt samordningsförbund",
        "breadcrumbs": [("Start", reverse("home")), ("Nytt samordningsförbund", None)],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "members/object_form.html", context, status=status)


@association_view(EDIT)
def access_list(request: HttpRequest) -> HttpResponse:
    association = request.association
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.invitation_create(
                association=association,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                site_url=_site_url(request),
                by=request.user,
            )
        except ServiceError as exc:
            _refused(form, exc)
        else:
            if isinstance(result, UserRole):
                text = f"{result.user.email} har redan ett konto och har nu fått behörighet."
            else:
                text = f"En inbjudan är skickad till {result.email}."
            messages.success(request, text)
            return redirect(_access_url(request))
    roles = association.user_roles.select_related("user").order_by("role", "user__email")
    invitations = association.invitations.filter(accepted_at__isnull=True).select_related(
        "invited_by"
    )
    context = {
        "form": form,
        "roles": roles,
        "invitations": invitations,
        "now": timezone.now(),
        "nav_section": "access",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "members/access_list.html", context, status=status)


def _role_row(request: HttpRequest, userrole_id: int) -> UserRole:
    row = (
        UserRole.objects.select_related("user")
        .filter(pk=userrole_id, association=request.association)
        .first()
    )
    if row is None:
        raise Http404("Behörigheten finns inte.")
    return row


@association_view(EDIT)
def access_edit(request: HttpRequest, userrole_id: int) -> HttpResponse:
    row = _role_row(request, userrole_id)
    form = RoleForm(request.POST or None, initial={"role": row.role, "version": row.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.access_change(
                association=request.association,
                role_row=row,
                role=form.cleaned_data["role"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except ServiceError as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"Rollen för {row.user.email or row.user} är ändrad.")
            return redirect(_access_url(request))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "members/access_edit.html",
        {"form": form, "row": row, "nav_section": "access", "remove": False},
        status=status,
    )


@association_view(EDIT)
def access_remove(request: HttpRequest, userrole_id: int) -> HttpResponse:
    """GET asks first; POST takes the access away at once."""
    row = _role_row(request, userrole_id)
    error = None
    if request.method == "POST":
        try:
            services.access_remove(association=request.association, role_row=row, by=request.user)
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(
                request, f"Behörigheten för {row.user.email or row.user} är borttagen."
            )
            return redirect(_access_url(request))
    return render(
        request,
        "members/access_edit.html",
        {"row": row, "nav_section": "access", "remove": True, "error": error},
        status=400 if error else 200,
    )


@association_view(EDIT, methods=("POST",))
def invitation_withdraw(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = Invitation.objects.filter(
        pk=invitation_id, association=request.association
    ).first()
    if invitation is None:
        raise Http404("Inbjudan finns inte.")
    try:
        services.invitation_withdraw(
            association=request.association, invitation=invitation, by=request.user
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Inbjudan till {invitation.email} är tillbakadragen.")
    return redirect(_access_url(request))


@public_view(methods=("GET", "POST"))
def invitation_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    invitation = invitation_from_key(uidb64)
    problem = services.invitation_problem(invitation=invitation, token=token)
    form = AcceptForm(request.POST or None)
    if problem is None and request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation,
                token=token,
                password=form.cleaned_data["password1"],
                name=form.cleaned_data["name"],
            )
        except ServiceError as exc:
            _refused(form, exc)
        else:
            association = invitation.association
            if not user.check_password(form.cleaned_data["password1"]):
                # The address had an account already: it keeps its own password.
                messages.success(
                    request,
                    f"Du har fått behörighet i {association.name}. Logga in med ditt "
                    "vanliga lösenord.",
                )
                return redirect("login")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Välkommen till {association.name}!")
            return redirect("members:association_home", slug=association.slug)
    context = {"form": form, "problem": problem, "invitation": None if problem else invitation}
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/invitation_accept.html", context, status=status)
