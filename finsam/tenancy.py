"""The one mechanism by which every view reaches an association.

`association_view(access)` resolves the `slug` in the URL, checks the user's role
there and hands the view `request.association` and `request.role`. A user without
a role gets 404, so nobody learns that an association exists. The access level is
kept on the view (`view.finsam_access`) so the authorisation test can walk every
URL and know what to expect.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string

from members.models import Association, UserRole

# What each access level lets through.
READ = "read"  # kansli, styrelse, revisor
EDIT = "edit"  # kansli
DOWNLOAD = "download"  # kansli, revisor (and styrelse: they sign what they download)
PUBLIC = "public"  # anyone, no log-in
LOGIN = "login"  # any signed-in user (pages outside an association)
ADMIN = "admin"  # superusers only (pages outside an association: a new association)

ALLOWED_ROLES: dict[str, set[str]] = {
    READ: {UserRole.KANSLI, UserRole.STYRELSE, UserRole.REVISOR},
    EDIT: {UserRole.KANSLI},
    DOWNLOAD: {UserRole.KANSLI, UserRole.STYRELSE, UserRole.REVISOR},
}

SUPERUSER_ROLE = "superuser"


def role_for(user, association: Association) -> str | None:
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return SUPERUSER_ROLE
    return (
        UserRole.objects.filter(user=user, association=association)
        .values_list("role", flat=True)
        .first()
    )


def associations_for(user):
    if user.is_superuser:
        return Association.objects.all()
    return Association.objects.filter(user_roles__user=user).distinct()


def can_edit(role: str | None) -> bool:
    return role in (UserRole.KANSLI, SUPERUSER_ROLE)


def not_found_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        render_to_string("404.html", request=request), status=404, content_type="text/html"
    )


def association_view(access: str, *, methods: Iterable[str] = ("GET", "HEAD", "POST")) -> Callable:
    """Decorate a view taking `slug`: resolve the association and check the role."""
    allowed_methods = {m.upper() for m in methods}
    if "GET" in allowed_methods:
        allowed_methods.add("HEAD")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
            if access == PUBLIC:
                association = Association.objects.filter(slug=slug).first()
                if association is None:
                    raise Http404("Förbundet finns inte.")
                request.association = association
                request.role = role_for(request.user, association)
            else:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                association = Association.objects.filter(slug=slug).first()
                role = role_for(request.user, association) if association else None
                if role is None:
                    raise Http404("Sidan finns inte.")
                if role != SUPERUSER_ROLE and role not in ALLOWED_ROLES[access]:
                    raise PermissionDenied("Din roll i förbundet ger inte behörighet till detta.")
                request.association = association
                request.role = role
            if request.method not in allowed_methods:
                return HttpResponseNotAllowed(sorted(allowed_methods))
            return view(request, *args, **kwargs)

        @wraps(view)
        def answered(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
            # The application's own Swedish 404 page, also with DEBUG on (Django would
            # show its English debug page, listing the URL patterns).
            try:
                return wrapper(request, slug, *args, **kwargs)
            except Http404:
                return not_found_page(request)

        answered.finsam_access = access
        answered.finsam_methods = allowed_methods
        return answered

    return decorator


def _outside_association(access: str, methods: Iterable[str]) -> Callable:
    """A page outside any association: the log-in it needs (none for PUBLIC, a
    superuser for ADMIN), then the methods it answers."""
    allowed_methods = {m.upper() for m in methods}

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if access != PUBLIC and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if access == ADMIN and not request.user.is_superuser:
                raise PermissionDenied("Bara en administratör kan göra detta.")
            if request.method not in allowed_methods:
                return HttpResponseNotAllowed(sorted(allowed_methods))
            return view(request, *args, **kwargs)

        wrapper.finsam_access = access
        wrapper.finsam_methods = allowed_methods
        return wrapper

    return decorator


def signed_in_view(*, methods: Iterable[str] = ("GET", "HEAD")) -> Callable:
    """For pages outside any association (the start page)."""
    return _outside_association(LOGIN, methods)


def superuser_view(*, methods: Iterable[str] = ("GET", "HEAD")) -> Callable:
    """For the superuser's pages outside any association (creating one)."""
    return _outside_association(ADMIN, methods)


def public_view(*, methods: Iterable[str] = ("GET", "HEAD")) -> Callable:
    """For pages outside any association that need no log-in (an invitation's link,
    which is its own proof)."""
    return _outside_association(PUBLIC, methods)
