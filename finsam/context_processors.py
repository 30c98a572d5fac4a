"""The navigation bar inside an association, collected from the apps.

Each app's AppConfig lists `nav_items`: (label, url name, section, access). An item
shows only when the user's role has that access, and is marked current when the
view's `nav_section` matches.
"""

from __future__ import annotations

from django.apps import apps
from django.urls import reverse

from finsam.tenancy import ALLOWED_ROLES, SUPERUSER_ROLE


def navigation(request):
    association = getattr(request, "association", None)
    role = getattr(request, "role", None)
    if association is None or role is None:
        return {}
    items = []
    for config in apps.get_app_configs():
        for label, url_name, section, access in getattr(config, "nav_items", ()):
            if role != SUPERUSER_ROLE and role not in ALLOWED_ROLES[access]:
                continue
            items.append(
                {
                    "label": label,
                    "href": reverse(url_name, kwargs={"slug": association.slug}),
                    "section": section,
                }
            )
    return {"nav_items": items}
