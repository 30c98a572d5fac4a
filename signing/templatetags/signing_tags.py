"""The signing's part of the revision page (reporting/auditors.html): each round's
status and the sealed original, without reporting importing the signing app."""

from django import template

from signing.selectors import rounds_of

register = template.Library()


@register.inclusion_tag("signing/_revision_overview.html", takes_context=True)
def signing_overview(context, association):
    return {"rounds": rounds_of(association=association), "request": context["request"]}
