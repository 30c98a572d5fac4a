"""The documents' own data: narrative texts per document and year, the association's
logo, and the decided PDFs kept byte for byte with their SHA-256."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from members.models import Association

VP = "verksamhetsplan"
AR = "arsredovisning"
DOCUMENTS = [(VP, "Verksamhetsplan och budget"), (AR, "Årsredovisning")]


class NarrativeSection(models.Model):
    """A text of a document (foreword, introduction, …), written by kansli in Markdown."""

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="narratives",
    )
    document = models.CharField("dokument", max_length=20, choices=DOCUMENTS)
    year = models.PositiveIntegerField("år")
    key = models.CharField("avsnitt", max_length=40)
    body = models.TextField("text (Markdown)", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["association", "document", "year", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "document", "year", "key"], name="one_text_per_section"
            )
        ]
        verbose_name = "text"
        verbose_name_plural = "texter"

    def __str__(self) -> str:
        return f"{self.get_document_display()} {self.year}: {self.key}"

    @property
    def audit_label(self) -> str:
        from reporting.documents import NARRATIVE_TITLES

        title = NARRATIVE_TITLES.get(self.document, {}).get(self.key, self.key)
        return f"{self.get_document_display()} {self.year}, texten ”{title}”"


class Logo(models.Model):
    """The association's logo, kept in the database so a backup carries it."""

    association = models.OneToOneField(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="logo",
    )
    content = models.BinaryField("bild")
    content_type = models.CharField("bildformat", max_length=40)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "logotyp"
        verbose_name_plural = "logotyper"

    def __str__(self) -> str:
        return f"Logotyp {self.association}"


class DecidedDocument(models.Model):
    """A decided document frozen at its decision: the document's whole structure
    (figures, texts, goals, insatser, organisation) and its PDF/A, made in the
    decision's own transaction. Later downloads serve these bytes; the decided page
    and workbook are rendered from the snapshot, never from live rows."""

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="decided_documents",
    )
    document = models.CharField("dokument", max_length=20, choices=DOCUMENTS)
    year = models.PositiveIntegerField("år")
    decision = models.CharField(
        "beslut",
        max_length=100,
        help_text="Vilket beslut: budgetversionen eller bokslutets datum.",
    )
    budget_version = models.OneToOneField(
        "budgets.BudgetVersion",
        verbose_name="budgetversion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_document",
    )
    fiscal_year = models.ForeignKey(
        "budgets.FiscalYear",
        verbose_name="räkenskapsår",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_documents",
    )
    snapshot = models.JSONField("dokumentet vid beslutet", null=True, blank=True)
    superseded = models.BooleanField(
        "ersatt",
        default=False,
        help_text="Året öppnades igen efter beslutet; en senare stängning gäller.",
    )
    pdf = models.BinaryField("PDF")
    sha256 = models.CharField("SHA-256", max_length=64)
    decided_on = models.DateField("beslutat")
    paragraph = models.CharField("protokollsparagraf", max_length=50, blank=True)
    created_at = models.DateTimeField("skapad", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="skapad av",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-year", "document", "-created_at", "-id"]
        verbose_name = "beslutat dokument"
        verbose_name_plural = "beslutade dokument"

    def __str__(self) -> str:
        return f"{self.get_document_display()} {self.year} ({self.association})"

    @property
    def audit_label(self) -> str:
        what = f"{self.get_document_display()} {self.year}"
        if self.budget_version_id:
            what += f", budget version {self.budget_version.number}"
        return f"Beslutat dokument: {what}, beslut {self.decided_on} {self.paragraph}".strip()


class RenderedPdf(models.Model):
    """A PDF of a document that is not decided, rendered in the background and kept by
    the content it was made from (SHA-256 of the print HTML and the variant): the same
    content is never rendered twice, and a changed document gets a new key. A cache,
    not a record: rows come and go without an audit entry."""

    association = models.ForeignKey(
        Association, verbose_name="samordningsförbund", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField("innehållets SHA-256", max_length=64)
    document = models.CharField("dokument", max_length=40)
    year = models.PositiveIntegerField("år")
    variant = models.CharField("format", max_length=10)
    filename = models.CharField("filnamn", max_length=200)
    # The print HTML waits here for the worker and is emptied once the PDF exists.
    html = models.TextField(blank=True)
    pdf = models.BinaryField("PDF", null=True)
    task_id = models.CharField("uppgift", max_length=64, blank=True)
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField("beställd")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="beställd av",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Renewed by the rendering worker (finsam.jobs.heartbeat); once it has run out the
    # worker is gone and the rendering is queued again (at most MAX_ATTEMPTS times).
    lease_until = models.DateTimeField("arbetas på till", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("försök", default=0)
    rendered_at = models.DateTimeField("klar", null=True)

    class Meta:
        indexes = [models.Index(fields=["association", "document", "year", "variant"])]
        constraints = [
            # Per association: a copy of an association under a new short address
            # renders the same content under the same key.
            models.UniqueConstraint(fields=["association", "key"], name="one_rendered_pdf_per_key")
        ]
        verbose_name = "PDF-utkast"
        verbose_name_plural = "PDF-utkast"

    def __str__(self) -> str:
        return self.filename

    @property
    def is_ready(self) -> bool:
        return self.rendered_at is not None


class EarlierYearFigures(models.Model):
    """The key figures of a year before the application held its outcome, as the
    association's earlier annual reports print them (kronor), so the five-year
    overview has all five years."""

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="earlier_years",
    )
    year = models.PositiveIntegerField("år")
    income = models.DecimalField("verksamhetens intäkter", max_digits=14, decimal_places=2)
    costs = models.DecimalField(
        "verksamhetens kostnader", max_digits=14, decimal_places=2, help_text="Positivt belopp."
    )
    result = models.DecimalField("årets resultat", max_digits=14, decimal_places=2)
    solidity_percent = models.DecimalField(
        "soliditet (%)", max_digits=5, decimal_places=1, null=True, blank=True
    )
    employees = models.DecimalField(
        "antal anställda", max_digits=6, decimal_places=1, null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["association", "year"]
        constraints = [
            models.UniqueConstraint(fields=["association", "year"], name="one_earlier_year"),
            models.CheckConstraint(
                condition=models.Q(costs__gte=0), name="earlier_year_costs_positive"
            ),
        ]
        verbose_name = "nyckeltal för tidigare år"
        verbose_name_plural = "nyckeltal för tidigare år"

    def __str__(self) -> str:
        return f"{self.association} {self.year}"


class ReportSettings(models.Model):
    """How the association presents its annual report."""

    COSTS, INCOME = "kostnader", "intakter"
    BASES = [(COSTS, "Verksamhetens kostnader"), (INCOME, "Verksamhetens intäkter")]

    association = models.OneToOneField(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="report_settings",
    )
    cost_share_base = models.CharField(
        "kostnadsfördelningens andelar av",
        max_length=20,
        choices=BASES,
        default=COSTS,
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "inställningar för årsredovisningen"
        verbose_name_plural = "inställningar för årsredovisningen"

    def __str__(self) -> str:
        return f"Inställningar {self.association}"


class Indicator(models.Model):
    """A national indicator of financial coordination (Indikatorer Finsam): a survey
    statement with the share answering positively, against the national mean."""

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    year = models.PositiveIntegerField("år")
    text = models.CharField("påstående", max_length=300)
    share_percent = models.DecimalField("andel instämmer (%)", max_digits=5, decimal_places=1)
    national_percent = models.DecimalField(
        "riket (%)", max_digits=5, decimal_places=1, null=True, blank=True
    )
    sort_order = models.PositiveIntegerField("ordning", default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["association", "year", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(share_percent__gte=0, share_percent__lte=100),
                name="indicator_share_is_a_percentage",
            )
        ]
        verbose_name = "indikator"
        verbose_name_plural = "indikatorer"

    def __str__(self) -> str:
        return f"{self.year}: {self.text}"


class SteeringDocument(models.Model):
    """A steering document the board works by (förbundsordning, reglemente, policies)."""

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="steering_documents",
    )
    title = models.CharField("styrdokument", max_length=200)
    group = models.CharField(
        "grupp", max_length=100, blank=True, help_text="T.ex. Policyer; tomt för huvudlistan."
    )
    sort_order = models.PositiveIntegerField("ordning", default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["association", "sort_order", "pk"]
        verbose_name = "styrdokument"
        verbose_name_plural = "styrdokument"

    def __str__(self) -> str:
        return self.title


class UploadedYearPdf(models.Model):
    """A PDF the association uploads for one year, stored byte for byte with its
    SHA-256 (services._pdf_row_save writes it)."""

    year = models.PositiveIntegerField("år")
    filename = models.CharField("filnamn", max_length=200)
    pdf = models.BinaryField("PDF")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("uppladdad", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class AuditReport(UploadedYearPdf):
    """The auditors' signed report (revisionsberättelse) for a year, as uploaded PDF,
    appended to the annual report as a bilaga."""

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="audit_reports",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["association", "year"], name="one_audit_report")
        ]
        verbose_name = "revisionsberättelse"
        verbose_name_plural = "revisionsberättelser"

    def __str__(self) -> str:
        return f"Revisionsberättelse {self.year} ({self.association})"


class OutsideAnnualReport(UploadedYearPdf):
    """The decided annual report of a year closed outside Finsam (before the association
    used it), as the association's own PDF: stored byte for byte with its SHA-256 and
    served to the auditors in place of a report made here."""

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="outside_annual_reports",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["association", "year"], name="one_outside_annual_report"
            )
        ]
        verbose_name = "årsredovisning upprättad utanför Finsam"
        verbose_name_plural = "årsredovisningar upprättade utanför Finsam"

    def __str__(self) -> str:
        return f"Årsredovisning {self.year}, upprättad utanför Finsam ({self.association})"
