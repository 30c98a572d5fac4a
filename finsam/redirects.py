"""Redirects whose target comes from the request."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str, *, field: str = "next") -> str:
    """The posted (or queried) `next` when it stays on this site, else `fallback`.

    Every redirect that takes its target from user input goes through here, so that
    `next=https://elsewhere.example/` never sends anybody off-site.
    """
    target = request.POST.get(field) or request.GET.get(field) or ""
    # Only a path on this site: anything else ("-Infinity") would be read by
    # redirect() as the name of a view, and fail.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
