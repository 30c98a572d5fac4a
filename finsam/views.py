from __future__ import annotations

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
