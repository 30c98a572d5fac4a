from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from finsam.tenancy import associations_for, signed_in_view
from members.models import UserRole


@signed_in_view()
def home(request: HttpRequest) -> HttpResponse:
    associations = associations_for(request.user).order_by("name")
    roles = dict(UserRole.objects.filter(user=request.user).values_list("association_id", "role"))
    rows = [
        {"association": a, "role": dict(UserRole.ROLES).get(roles.get(a.id), "Administratör")}
        for a in associations
    ]
    notices = []
    for hook in _home_notice_hooks():
        notices.extend(hook(request.user, [row["association"] for row in rows]))
    return render(request, "home.html", {"rows": rows, "notices": notices})


def _home_notice_hooks():
    """Apps may add warnings to the start page (e.g. a budget not decided in time)."""
    from django.apps import apps

    hooks = []
    for config in apps.get_app_configs():
        hook = getattr(config, "home_notices", None)
        if hook:
            hooks.append(hook)
    return hooks


def _page(request: HttpRequest | None, template: str, status: int) -> HttpResponse:
    return HttpResponse(
        render_to_string(template, request=request), status=status, content_type="text/html"
    )


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    # Standalone page: a 400 may come from a bad Host header, which the base layout's
    # context (navigation, absolute links) must not touch.
    return _page(None, "400.html", 400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(request, "403_csrf.html", 403)


def login_locked(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer once a user name and address are locked: the log-in page
    with a Swedish message, status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/login.html",
        {"locked": True, "cooloff_minutes": minutes, "next": ""},
        status=429,
    )


def forbidden(request: HttpRequest, exception=None) -> HttpResponse:
    return HttpResponse(
        render_to_string("403.html", request=request), status=403, content_type="text/html"
    )


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return HttpResponse(
        render_to_string("404.html", request=request), status=404, content_type="text/html"
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponse(render_to_string("500.html"), status=500, content_type="text/html")
