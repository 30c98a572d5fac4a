"""Walking the project's URLs with sample values taken from the demo data.

Shared by the authorisation walk and the browser scan, so both pick up new URLs
automatically. A URL keyword `<thing>_id` names a model (`member_id` → Member) whose
row is taken from the demo association; `year` is the demo year.
"""

from __future__ import annotations

import re

from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

SLUG = "vastmanland"
OTHER_SLUG = "vasteras"
YEAR = 2024

# Project URLs that belong to Django itself and are tested by Django.
EXEMPT_NAMES = {"login", "logout"}
EXEMPT_PREFIXES = ("admin/",)

# URL keywords whose sample is not a model row of that name.
KWARG_MODELS: dict[str, str] = {}
# URL keywords that are not rows at all: an invitation's link (a key and a token; these
# samples are no valid link, so the page shows its Swedish refusal).
SAMPLE_VALUES = {"uidb64": "MQ", "token": "cz1234-0123456789abcdef"}


def load_walk_demo() -> None:
    """The demo data, plus a decided plan of the walked association, so that every
    URL keyword has a row to sample (the demo decides no Västmanland budget)."""
    import datetime

    from django.core.management import call_command

    from budgets.models import BudgetVersion
    from tests.decisions import decide

    call_command("load_demo", verbosity=0)
    _reopen_walked_year()
    version = (
        BudgetVersion.objects.filter(budget__association__slug=SLUG, budget__year=YEAR)
        .order_by("-number")
        .first()
    )
    if version is not None and not version.is_decided:
        decide(version, datetime.date(YEAR - 1, 11, 28), "§ 1 (testdata)")
    _rendered_pdfs()
    _import_jobs()
    _invitations()


def _invitations() -> None:
    """An open invitation of each walked association, for withdrawing it."""
    import datetime

    from django.utils import timezone

    from members.models import Association, Invitation, UserRole

    for owner in Association.objects.filter(slug__in=[SLUG, OTHER_SLUG]):
        Invitation.objects.create(
            association=owner,
            email=f"inbjuden@{owner.slug}.example.se",
            role=UserRole.STYRELSE,
            created_at=timezone.now(),
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )


def _reopen_walked_year() -> None:
    """The demo closes the walked year at its annual report; reopened, its forms are
    there to walk and its plan can be decided."""
    from django.contrib.auth import get_user_model

    from budgets import services
    from budgets.models import FiscalYear

    closed = FiscalYear.objects.filter(
        association__slug=SLUG, year=YEAR, closed_on__isnull=False
    ).first()
    if closed is not None:
        admin = get_user_model().objects.create_superuser(username="walk-reopen", password=None)
        services.fiscal_year_reopen(fiscal_year=closed, reason="Genomgång av sidorna", by=admin)


def _rendered_pdfs() -> None:
    """A rendered draft PDF of each walked association, for /dokument/pdf/<id>/."""
    from django.utils import timezone

    from members.models import Association
    from reporting.models import RenderedPdf

    for owner in Association.objects.filter(slug__in=[SLUG, OTHER_SLUG]):
        RenderedPdf.objects.create(
            association=owner,
            key=f"{owner.slug:0<64}",
            document="arsredovisning",
            year=YEAR,
            variant="pdf",
            filename=f"{owner.slug}-arsredovisning-{YEAR}-utkast.pdf",
            pdf=b"%PDF-1.7 walk sample",
            requested_at=timezone.now(),
            rendered_at=timezone.now(),
        )


def _import_jobs() -> None:
    """A finished SIE import job of each walked association, for its status page."""
    from budgets.models import ImportJob
    from members.models import Association

    for owner in Association.objects.filter(slug__in=[SLUG, OTHER_SLUG]):
        ImportJob.objects.create(
            association=owner,
            year=YEAR,
            file_name=f"{owner.slug}-{YEAR}.se",
            status=ImportJob.DONE,
            percent=100,
            message=f"{owner.slug}-{YEAR}.se är inläst för {YEAR}.",
        )


def walk(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _model_for(kwarg: str) -> type[models.Model]:
    wanted = KWARG_MODELS.get(kwarg, kwarg.removesuffix("_id").replace("_", ""))
    for model in apps.get_models():
        if model._meta.model_name == wanted or model._meta.label_lower == wanted:
            return model
    raise AssertionError(
        f"No model matches the URL keyword {kwarg!r}; name it after its model or add it "
        "to KWARG_MODELS in this test."
    )


def _association_path(model: type[models.Model], depth: int = 0) -> str | None:
    names = {f.name: f for f in model._meta.get_fields()}
    if "association" in names:
        return "association__slug"
    if depth >= 2:
        return None
    for field in model._meta.get_fields():
        if isinstance(field, models.ForeignKey):
            inner = _association_path(field.related_model, depth + 1)
            if inner:
                return f"{field.name}__{inner}"
    return None


def sample_pk(kwarg: str, slug: str) -> int:
    model = _model_for(kwarg)
    path = _association_path(model)
    assert path, f"{model.__name__} cannot be traced to an association"
    row = model.objects.filter(**{path: slug}).order_by("pk").first()
    assert row is not None, (
        f"The demo data holds no {model.__name__} of {slug}; the walk needs one for {kwarg!r}."
    )
    return row.pk


def build(route: str, slug: str) -> str:
    def replace(match: re.Match) -> str:
        converter, name = match["conv"], match["name"]
        if name == "slug":
            return slug
        if name == "year":
            return str(YEAR)
        if name.endswith("_id"):
            return str(sample_pk(name, slug))
        if name in SAMPLE_VALUES:
            return SAMPLE_VALUES[name]
        raise AssertionError(f"Add a sample value for the URL keyword {name!r} ({converter}).")

    return "/" + re.sub(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>", replace, route)


def project_routes():
    """(route, pattern, access, methods) for every project URL outside Django's own."""
    for route, pattern in walk(get_resolver()):
        if route.startswith(EXEMPT_PREFIXES) or pattern.name in EXEMPT_NAMES:
            continue
        view = pattern.callback
        yield (
            route,
            pattern,
            getattr(view, "finsam_access", None),
            getattr(view, "finsam_methods", {"GET"}),
        )
