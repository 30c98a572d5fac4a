"""A closed year's annual report signed in the application: the round, who is to sign,
the signatures (rows that are never edited or removed) and the sealed originals."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from members.models import Association


class ImmutableRow(Exception):
    """A signature or a sealed original was about to be changed or removed."""


class SigningRound(models.Model):
    """The signing of one closing's annual report (a DecidedDocument). Reopening the
    year voids the round; it stays listed as "ersatt" and a new closing starts a new one."""

    OPEN = "oppen"
    BOARD_SEALED = "styrelsen_klar"
    COMPLETE = "klar"
    VOID = "ersatt"
    STATUSES = [
        (OPEN, "Styrelsen skriver under"),
        (BOARD_SEALED, "Styrelsen har skrivit under; revisorerna skriver under"),
        (COMPLETE, "Underskriven och förseglad"),
        (VOID, "Ersatt (året öppnades igen)"),
    ]

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="signing_rounds",
    )
    year = models.PositiveIntegerField("år")
    document = models.ForeignKey(
        "reporting.DecidedDocument",
        verbose_name="dokument",
        on_delete=models.RESTRICT,
        related_name="signing_rounds",
    )
    status = models.CharField("status", max_length=20, choices=STATUSES, default=OPEN)
    started_at = models.DateTimeField("startad")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="startad av",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    voided_at = models.DateTimeField("ersatt", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-year", "-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document"],
                condition=~models.Q(status="ersatt"),
                name="one_live_round_per_document",
            )
        ]
        verbose_name = "underskriftsrunda"
        verbose_name_plural = "underskriftsrundor"

    def __str__(self) -> str:
        return f"Underskrifter årsredovisning {self.year}"

    @property
    def audit_label(self) -> str:
        return f"Underskriftsrunda för årsredovisning {self.year} (SHA-256 {self.document.sha256[:12]}…)"

    @property
    def is_void(self) -> bool:
        return self.status == self.VOID

    @property
    def sealed_report(self) -> SealedOriginal | None:
        """The latest sealed annual report (use with the sealed originals prefetched,
        newest first)."""
        return next(
            (s for s in self.sealed_originals.all() if s.stage != SealedOriginal.REVISION), None
        )

    @property
    def sealed_audit_report(self) -> SealedOriginal | None:
        """The sealed revisionsberättelse, if one was uploaded and the auditors signed."""
        return next(
            (s for s in self.sealed_originals.all() if s.stage == SealedOriginal.REVISION), None
        )

    @property
    def signed_count(self) -> int:
        """How many have signed (use with the signatories and signatures prefetched)."""
        return sum(1 for s in self.signatories.all() if hasattr(s, "signature"))


class Signatory(models.Model):
    """Somebody the kansli named to sign: a board member present or an auditor, with
    the title printed beside the signature. Always a user with a role in the association."""

    BOARD = "styrelse"
    AUDIT = "revision"
    GROUPS = [(BOARD, "Styrelsen"), (AUDIT, "Revisorerna")]

    signing_round = models.ForeignKey(
        SigningRound, on_delete=models.CASCADE, related_name="signatories"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="användare", on_delete=models.PROTECT
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name="person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField("namn", max_length=200)
    title = models.CharField("titel", max_length=100)
    group = models.CharField("grupp", max_length=10, choices=GROUPS)
    sort_order = models.PositiveIntegerField("ordning", default=0)

    class Meta:
        ordering = ["signing_round", "-group", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["signing_round", "user"], name="one_signatory_per_user_and_round"
            )
        ]
        verbose_name = "undertecknare"
        verbose_name_plural = "undertecknare"

    def __str__(self) -> str:
        return f"{self.name}, {self.title}"

    @property
    def audit_year(self) -> int:
        return self.signing_round.year


class Signature(models.Model):
    """One person's signature: who, as what, when, of which document (its SHA-256), how
    they authenticated and from where (masked). Never edited, never removed."""

    signatory = models.OneToOneField(Signatory, on_delete=models.CASCADE, related_name="signature")
    name = models.CharField("namn", max_length=200)
    title = models.CharField("titel", max_length=100)
    signed_at = models.DateTimeField("underskriven")
    document_sha256 = models.CharField("dokumentets SHA-256", max_length=64)
    authentication = models.CharField("inloggning", max_length=200)
    ip_masked = models.CharField("IP-adress (maskerad)", max_length=64, blank=True)

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name = "underskrift"
        verbose_name_plural = "underskrifter"

    def __str__(self) -> str:
        return f"Underskrift av {self.name}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None or kwargs.get("force_update"):
            raise ImmutableRow("En underskrift kan inte ändras.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRow("En underskrift kan inte tas bort.")

    @property
    def audit_year(self) -> int:
        return self.signatory.signing_round.year


class SealedOriginal(models.Model):
    """The stored PDF/A with the pages "Underskrifter" appended and the installation's
    PAdES seal over the whole file: one when the board has signed, one more when the
    auditors have too; and, when a revisionsberättelse is uploaded for the year, its PDF
    with the auditors' signatures, sealed the same way when the auditors have signed.
    Kept byte for byte; the verification page matches its SHA-256."""

    BOARD = "styrelsen"
    COMPLETE = "komplett"
    REVISION = "revision"
    STAGES = [
        (BOARD, "Styrelsens underskrifter"),
        (COMPLETE, "Styrelsens och revisorernas"),
        (REVISION, "Revisionsberättelsen med revisorernas underskrifter"),
    ]

    signing_round = models.ForeignKey(
        SigningRound, on_delete=models.CASCADE, related_name="sealed_originals"
    )
    stage = models.CharField("omfattning", max_length=10, choices=STAGES)
    pdf = models.BinaryField("PDF")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    sealed_at = models.DateTimeField("förseglad")
    certificate = models.CharField("certifikat", max_length=300)

    class Meta:
        ordering = ["-sealed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["signing_round", "stage"], name="one_seal_per_round_and_stage"
            )
        ]
        verbose_name = "förseglat original"
        verbose_name_plural = "förseglade original"

    def __str__(self) -> str:
        if self.stage == self.REVISION:
            return f"Förseglat original, revisionsberättelse {self.signing_round.year}"
        return f"Förseglat original, årsredovisning {self.signing_round.year}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ImmutableRow("Ett förseglat original kan inte ändras.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRow("Ett förseglat original kan inte tas bort.")

    @property
    def audit_year(self) -> int:
        return self.signing_round.year
