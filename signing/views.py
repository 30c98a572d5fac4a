"""The signing pages: the round of a year (see, confirm with the password, sign), the
kansli's naming of the signatories, the sealed original, and the verification page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from finsam.forms import BoundedForm
from finsam.services import ServiceError
from finsam.tenancy import DOWNLOAD, EDIT, READ, association_view, can_edit
from signing import notifications, selectors, services
from signing.models import SealedOriginal, Signatory, SigningRound

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _url(name: str, request: HttpRequest, **kwargs) -> str:
    return reverse(f"signing:{name}", kwargs={"slug": request.association.slug, **kwargs})


def _crumbs(request: HttpRequest, *rest) -> list:
    return [("Revision", reverse("reporting:auditors", args=[request.association.slug])), *rest]


class SignForm(BoundedForm, forms.Form):
    password = forms.CharField(
        label="Ditt lösenord",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Du bekräftar underskriften genom att ange ditt lösenord på nytt.",
        error_messages={"required": "Ange ditt lösenord för att skriva under."},
    )


class VerifyForm(BoundedForm, forms.Form):
    file = forms.FileField(
        label="PDF-fil att kontrollera (högst 50 MB)",
        error_messages={"required": "Välj en PDF-fil.", "empty": "Filen är tom."},
    )


def fresh_authentication(request: HttpRequest, password: str):
    """The signed-in user's password entered again, checked as a log-in is (so the
    log-in throttle counts wrong guesses), or None."""
    user = authenticate(request, username=request.user.get_username(), password=password or "")
    if user is None or user.pk != request.user.pk:
        return None
    return services.FreshAuthentication(
        user_id=user.pk, method=services.PASSWORD, at=timezone.now()
    )


def _client_ip(request: HttpRequest) -> str:
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")


@association_view(READ, methods=["GET", "HEAD"])
def index(request: HttpRequest) -> HttpResponse:
    """Every round of the association, live and replaced."""
    return render(
        request,
        "signing/index.html",
        {
            "rounds": selectors.rounds_of(association=request.association),
            "unsent": selectors.unsent_reports(association=request.association)
            if can_edit(request.role)
            else [],
            "nav_section": "auditors",
            "breadcrumbs": _crumbs(request, ("Underskrifter", None)),
        },
    )


def _mine(signing_round, user) -> Signatory | None:
    if signing_round is None:
        return None
    return next((s for s in signing_round.signatories.all() if s.user_id == user.pk), None)


@association_view(READ, methods=["GET", "HEAD"])
def round_detail(request: HttpRequest, year: int) -> HttpResponse:
    """The year's round: the document, its SHA-256, who has signed, and the form for a
    signatory whose turn it is."""
    rounds = selectors.rounds_of(association=request.association, year=year)
    live = selectors.live_round(rounds)
    return render(
        request, "signing/round_detail.html", _round_context(request, year, live, rounds)
    )


def _round_context(request, year, live, rounds, form=None) -> dict:
    mine = _mine(live, request.user)
    may_sign = bool(
        mine
        and not hasattr(mine, "signature")
        and (
            (mine.group == Signatory.BOARD and live.status == live.OPEN)
            or (mine.group == Signatory.AUDIT and live.status == live.BOARD_SEALED)
        )
    )
    report = selectors.closed_report(association=request.association, year=year)
    return {
        "year": year,
        "live": live,
        "audit_report": selectors.audit_report_of(association=request.association, year=year),
        "rounds": rounds,
        "mine": mine,
        "form": form or (SignForm() if may_sign else None),
        "may_start": can_edit(request.role) and report is not None and live is None,
        "nav_section": "auditors",
        "breadcrumbs": _crumbs(
            request,
            ("Underskrifter", _url("index", request)),
            (f"Årsredovisning {year}", None),
        ),
    }


@association_view(READ, methods=["POST"])
def sign(request: HttpRequest, year: int) -> HttpResponse:
    rounds = selectors.rounds_of(association=request.association, year=year)
    live = selectors.live_round(rounds)
    mine = _mine(live, request.user)
    form = SignForm(request.POST)
    if mine is None:
        messages.error(request, "Du är inte utsedd att skriva under årsredovisningen.")
        return redirect(_url("round_detail", request, year=year))
    if form.is_valid():
        try:
            services.signature_add(
                signatory=mine,
                by=request.user,
                authentication=fresh_authentication(request, form.cleaned_data["password"]),
                ip=_client_ip(request),
            )
        except ServiceError as exc:
            form.add_error("password" if exc.field == "password" else None, exc.message)
        else:
            messages.success(request, "Din underskrift är sparad.")
            return redirect(_url("round_detail", request, year=year))
    context = _round_context(request, year, live, rounds, form=form)
    return render(request, "signing/round_detail.html", context, status=400)


class StartForm(BoundedForm, forms.Form):
    """One choice of user per appointment; an empty choice leaves the person out
    (absent from the meeting, or not signing)."""

    def __init__(self, *args, candidates: selectors.Candidates, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "– skriver inte under –")] + [
            (str(u.pk), f"{u.get_full_name() or u.get_username()} ({u.get_username()})")
            for u in candidates.users
        ]
        self.rows = []
        for candidate in candidates.board + candidates.auditors:
            a = candidate.appointment
            name = f"appointment_{a.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=f"{a.person.name}, {a.get_role_display().lower()}",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=candidate.proposed_user_id,
            )
            self.rows.append((a, name))

    def nominations(self, users: dict) -> list[services.Nomination]:
        return [
            services.Nomination(appointment=a, user=users[self.cleaned_data[name]])
            for a, name in self.rows
            if self.cleaned_data.get(name) in users
        ]


@association_view(EDIT)
def round_start(request: HttpRequest, year: int) -> HttpResponse:
    """The kansli names the signatories from the organisation table and starts."""
    report = selectors.closed_report(association=request.association, year=year)
    if report is None:
        return render(
            request,
            "signing/round_start.html",
            {"year": year, "nav_section": "auditors", "breadcrumbs": _crumbs(request)},
        )
    candidates = selectors.candidates_for(
        association=request.association, on=report.fiscal_year.closed_on
    )
    form = StartForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        users = {u.pk: u for u in candidates.users}
        try:
            signing_round = services.round_start(
                document=report, nominations=form.nominations(users), by=request.user
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            notifications.round_started(signing_round)
            messages.success(request, "Årsredovisningen är skickad för underskrift.")
            return redirect(_url("round_detail", request, year=year))
    return render(
        request,
        "signing/round_start.html",
        {
            "form": form,
            "year": year,
            "report": report,
            "candidates": candidates,
            "nav_section": "auditors",
            "breadcrumbs": _crumbs(
                request,
                ("Underskrifter", _url("round_detail", request, year=year)),
                ("Skicka för underskrift", None),
            ),
        },
    )


@association_view(DOWNLOAD, methods=["GET", "HEAD"])
def sealed_download(request: HttpRequest, year: int) -> HttpResponse:
    """The year's sealed original, byte for byte; without one, a page that says so."""
    return _sealed_response(
        request, year, [SealedOriginal.BOARD, SealedOriginal.COMPLETE], "arsredovisning"
    )


@association_view(DOWNLOAD, methods=["GET", "HEAD"])
def sealed_audit_report_download(request: HttpRequest, year: int) -> HttpResponse:
    """The year's revisionsberättelse with the auditors' signatures, sealed, byte for
    byte; without one, a page that says so."""
    return _sealed_response(request, year, [SealedOriginal.REVISION], "revisionsberattelse")


def _sealed_response(request: HttpRequest, year: int, stages: list[str], name: str):
    sealed = (
        SealedOriginal.objects.filter(
            signing_round__association=request.association,
            signing_round__year=year,
            signing_round__status__in=[SigningRound.BOARD_SEALED, SigningRound.COMPLETE],
            stage__in=stages,
        )
        .order_by("-sealed_at", "-id")
        .first()
    )
    if sealed is None:
        return render(
            request,
            "signing/sealed_missing.html",
            {
                "year": year,
                "audit_report": SealedOriginal.REVISION in stages,
                "nav_section": "auditors",
                "breadcrumbs": _crumbs(request),
            },
        )
    response = HttpResponse(bytes(sealed.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{request.association.slug}-{name}-{year}-underskriven.pdf"'
    )
    response["X-Content-SHA256"] = sealed.sha256
    return response


@association_view(READ)
def verify(request: HttpRequest) -> HttpResponse:
    """Upload a PDF: is it the association's sealed original, of which document, signed
    by whom and when? Decided by the seal and the SHA-256, never the file name."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", "Filen är större än 50 MB; ett förseglat original är mindre.")
        else:
            result = selectors.verification(association=request.association, pdf=upload.read())
    return render(
        request,
        "signing/verify.html",
        {
            "form": form,
            "result": result,
            "nav_section": "auditors",
            "breadcrumbs": _crumbs(request, ("Kontrollera ett underskrivet original", None)),
        },
    )
