"""Swedish number filters, available in every template (a builtin library)."""

from __future__ import annotations

from django import template

from finsam import money

register = template.Library()


@register.filter
def kr(value, places: int = 0) -> str:
    """13310000 → '13 310 000'."""
    return money.format_kronor(value, int(places))


@register.filter
def tkr(value, places: int = 0) -> str:
    """13310000 → '13 310' (thousands of kronor)."""
    return money.format_tkr(value, int(places))


@register.filter
def procent(value, places: int = 1) -> str:
    """47.6 → '47,6 %'."""
    return money.format_percent(value, int(places))


@register.filter
def amount_input(value) -> str:
    """An amount as it should stand in an input: '1 500 000' or '1 234,50'."""
    return money.format_input(value)


@register.simple_tag(takes_context=True)
def history_url(context, obj) -> str:
    """The change log filtered to one object's history."""
    from urllib.parse import urlencode

    from django.urls import reverse

    slug = context["request"].association.slug
    query = urlencode({"objekt": f"{obj._meta.label}:{obj.pk}"})
    return f"{reverse('members:audit_log', kwargs={'slug': slug})}?{query}"
