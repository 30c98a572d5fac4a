"""Fiscal years, budget lines, budgets with versions, forecasts and outcome.

Sign convention: every amount is stored as a positive figure for what the line is;
the line's group says whether it is income or cost (a negative figure is a
reduction: a refund on a cost line, say). Reports turn costs negative where the
annual report prints them so.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from finsam.services import ServiceError
from members.models import Association, Member


class FiscalYear(models.Model):
    """A räkenskapsår; once closed, nothing in it changes any more."""

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="fiscal_years",
    )
    year = models.PositiveIntegerField("år")
    closed_on = models.DateField("stängt den", null=True, blank=True)
    closed_paragraph = models.CharField("protokollsparagraf", max_length=50, blank=True)
    report_outside = models.BooleanField(
        "årsredovisningen upprättad utanför Finsam",
        default=False,
        help_text="Året stängdes på en årsredovisning som gjordes och beslutades utanför "
        "Finsam, innan förbundet började använda det; ingen årsredovisning sparas här.",
    )
    equity_opening = models.DecimalField(
        "ingående eget kapital",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Enligt fastställd balansräkning; ska vara förra årets utgående eget kapital.",
    )
    capital_contribution = models.DecimalField(
        "kapitaltillskott",
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text="Eget kapital som nya medlemmar tillfört, t.ex. vid en sammanslagning.",
    )
    realisation_gains = models.DecimalField(
        "realisationsvinster", max_digits=14, decimal_places=2, default=0
    )
    employees = models.DecimalField(
        "antal anställda", max_digits=5, decimal_places=1, null=True, blank=True
    )
    opening_balances = models.JSONField(
        "ingående balanser",
        default=dict,
        blank=True,
        help_text="Bara förbundets första år, som inget år före sig har: balanspost → "
        "ingående belopp i kronor enligt SIE-filens #IB (saknas en post är den noll).",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["association", "year"], name="one_fiscal_year")
        ]
        verbose_name = "räkenskapsår"
        verbose_name_plural = "räkenskapsår"

    def __str__(self) -> str:
        return f"{self.association} {self.year}"

    @property
    def audit_label(self) -> str:
        return f"Räkenskapsår {self.year}"

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


def cost_category_of(group: str, insats_kind: str | None, category: str) -> str | None:
    """Kostnadsfördelningens kategori of a line: administration, or the kind of insats
    (the linked insats's kind, else the line's own category; unallocated funds count
    as structural, other insats lines as individinsatser). None for income."""
    if group in BudgetLine.INCOME_GROUPS or group == BudgetLine.FINANCIAL_COST:
        return None
    if group == BudgetLine.ADMINISTRATION:
        return "administration"
    if insats_kind:
        return insats_kind
    if category:
        return category
    return "struktur" if group == BudgetLine.UNALLOCATED else "individ"


class ClosedYearError(ServiceError):
    """A write into a closed fiscal year, caught at the row itself (the last guard)."""


class ClosedYearGuard(models.Model):
    """Rows of a fiscal year's figures refuse to be saved or deleted once it is closed,
    whatever path the write takes (services check first, with the same message)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._refuse_if_closed()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_closed()
        return super().delete(*args, **kwargs)

    def _closed_years(self) -> models.QuerySet:
        raise NotImplementedError

    def _refuse_if_closed(self) -> None:
        closed = self._closed_years().filter(closed_on__isnull=False).first()
        if closed is not None:
            raise ClosedYearError(
                f"Räkenskapsåret {closed.year} är stängt och kan inte längre ändras."
            )


class BudgetLine(models.Model):
    """A budgetpost of the association's chart, kept across years."""

    CONTRIBUTION = "bidrag"
    OTHER_INCOME = "ovrig_intakt"
    ADMINISTRATION = "administration"
    INSATS = "insats"
    UNALLOCATED = "ofordelat"
    FINANCIAL_INCOME = "finansiell_intakt"
    FINANCIAL_COST = "finansiell_kostnad"
    GROUPS = [
        (CONTRIBUTION, "Medlemsbidrag"),
        (OTHER_INCOME, "Övriga intäkter"),
        (ADMINISTRATION, "Verksamhetens kostnader"),
        (INSATS, "Kostnader insatser"),
        (UNALLOCATED, "Ofördelade medel"),
        (FINANCIAL_INCOME, "Finansiella intäkter"),
        (FINANCIAL_COST, "Finansiella kostnader"),
    ]
    INCOME_GROUPS = {CONTRIBUTION, OTHER_INCOME, FINANCIAL_INCOME}

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="budget_lines",
    )
    group = models.CharField("grupp", max_length=20, choices=GROUPS)
    name = models.CharField("namn", max_length=200)
    sort_order = models.PositiveIntegerField("ordning", default=0)
    retired = models.BooleanField("avslutad", default=False)
    member = models.ForeignKey(
        Member,
        verbose_name="medlem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_lines",
        help_text="För bidragsrader: den medlem vars medlemsbidrag fyller raden.",
    )
    state = models.BooleanField(
        "statens bidrag", default=False, help_text="Raden för statens bidrag (AF+FK)."
    )
    insats = models.ForeignKey(
        "insatser.Insats",
        verbose_name="insats",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    category = models.CharField(
        "kostnadsslag",
        max_length=20,
        blank=True,
        choices=[
            ("individ", "Individinsatser"),
            ("struktur", "Strukturella insatser"),
            ("processtod", "Processtöd"),
        ],
        help_text="För insatsrader utan kopplad insats: vilken sorts insats kostnaden gäller.",
    )
    reported_under = models.ForeignKey(
        "self",
        verbose_name="redovisas i driftredovisningen under",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_here",
        help_text=(
            "För intäktsrader som driftredovisningen räknar in på en annan rad, "
            "som övriga intäkter på kansliet: radens utfall och budget står då som "
            "intäkt på den raden."
        ),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["association", "name"], name="budget_line_name_unique")
        ]
        verbose_name = "budgetpost"
        verbose_name_plural = "budgetposter"

    def __str__(self) -> str:
        return self.name

    @property
    def audit_label(self) -> str:
        return f"Budgetpost {self.name}"

    @property
    def is_income(self) -> bool:
        return self.group in self.INCOME_GROUPS

    @property
    def cost_category(self) -> str | None:
        """Kostnadsfördelningens kategori: individ, struktur, processtod or
        administration; None for income. Uses the linked insats's kind when loaded."""
        return cost_category_of(
            self.group, self.insats.kind if self.insats_id else None, self.category
        )

    @property
    def from_contributions(self) -> bool:
        return self.group == self.CONTRIBUTION and (self.state or self.member_id is not None)


class Budget(models.Model):
    """The budget for year N, with plan years N+1 and N+2, in versions."""

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="budgets",
    )
    year = models.PositiveIntegerField("år")
    equity_estimate = models.DecimalField(
        "beräknat eget kapital vid årets början",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Används i planens eget kapital-tabell när förra årets bokslut inte finns.",
    )

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["association", "year"], name="one_budget_per_year")
        ]
        verbose_name = "budget"
        verbose_name_plural = "budgetar"

    def __str__(self) -> str:
        return f"Budget {self.year}"

    @property
    def audit_label(self) -> str:
        return f"Budget {self.year}"


class BudgetVersion(models.Model):
    DRAFT = "utkast"
    DECIDED = "beslutad"
    STATUSES = [(DRAFT, "Utkast"), (DECIDED, "Beslutad")]

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("version")
    status = models.CharField("status", max_length=10, choices=STATUSES, default=DRAFT)
    decided_on = models.DateField("beslutsdatum", null=True, blank=True)
    paragraph = models.CharField("protokollsparagraf", max_length=50, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="beslut registrerat av",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField("skapad", auto_now_add=True)

    class Meta:
        ordering = ["budget", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "number"], name="version_number_unique"),
            models.CheckConstraint(
                condition=Q(status="utkast") | Q(decided_on__isnull=False),
                name="decided_version_has_date",
            ),
        ]
        verbose_name = "budgetversion"
        verbose_name_plural = "budgetversioner"

    def __str__(self) -> str:
        return f"{self.budget} version {self.number} ({self.get_status_display().lower()})"

    @property
    def audit_label(self) -> str:
        return f"Budget {self.budget.year} v{self.number}"

    @property
    def audit_year(self) -> int:
        return self.budget.year

    @property
    def is_decided(self) -> bool:
        return self.status == self.DECIDED


class BudgetAmount(models.Model):
    """One figure of a version: a line in year N + offset (0 budget, 1–2 plan)."""

    budget_version = models.ForeignKey(
        BudgetVersion,
        verbose_name="budgetversion",
        on_delete=models.CASCADE,
        related_name="amounts",
    )
    line = models.ForeignKey(
        BudgetLine, verbose_name="budgetpost", on_delete=models.PROTECT, related_name="amounts"
    )
    offset = models.PositiveSmallIntegerField("år efter budgetåret")
    amount = models.DecimalField("belopp (kr)", max_digits=14, decimal_places=2)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["budget_version", "line", "offset"], name="one_amount_per_cell"
            ),
            models.CheckConstraint(condition=Q(offset__lte=2), name="offset_at_most_two"),
        ]
        verbose_name = "budgetbelopp"
        verbose_name_plural = "budgetbelopp"

    def __str__(self) -> str:
        return f"{self.line} {self.budget_version.budget.year + self.offset}: {self.amount}"

    @property
    def audit_label(self) -> str:
        version = self.budget_version
        year = version.budget.year
        column = "budget" if self.offset == 0 else "plan"
        return (
            f"Budget {year} v{version.number}, rad {self.line.name}, {column} {year + self.offset}"
        )

    @property
    def audit_year(self) -> int:
        return self.budget_version.budget.year


class Forecast(models.Model):
    """A full-year prognos for a line, as of a date; later ones supersede earlier."""

    line = models.ForeignKey(
        BudgetLine, verbose_name="budgetpost", on_delete=models.PROTECT, related_name="forecasts"
    )
    year = models.PositiveIntegerField("år")
    made_on = models.DateField("prognosdatum")
    amount = models.DecimalField("belopp (kr)", max_digits=14, decimal_places=2)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["year", "made_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["line", "year", "made_on"], name="one_forecast_a_day")
        ]
        verbose_name = "prognos"
        verbose_name_plural = "prognoser"

    def __str__(self) -> str:
        return f"{self.line} {self.year} ({self.made_on})"

    @property
    def audit_label(self) -> str:
        return f"Prognos {self.year} per {self.made_on}, rad {self.line.name}"


class Actual(ClosedYearGuard):
    """Outcome (utfall) of a line in one month; by hand or from the ledger's export."""

    line = models.ForeignKey(
        BudgetLine, verbose_name="budgetpost", on_delete=models.PROTECT, related_name="actuals"
    )
    year = models.PositiveIntegerField("år")
    month = models.PositiveSmallIntegerField("månad")
    amount = models.DecimalField("belopp (kr)", max_digits=14, decimal_places=2)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["line", "year", "month"], name="one_actual_a_month"),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="month_in_year"
            ),
        ]
        verbose_name = "utfall"
        verbose_name_plural = "utfall"

    def __str__(self) -> str:
        return f"{self.line} {self.year}-{self.month:02d}"

    @property
    def audit_label(self) -> str:
        return f"Utfall {self.year}-{self.month:02d}, rad {self.line.name}"

    def _closed_years(self) -> models.QuerySet:
        return FiscalYear.objects.filter(association__budget_lines=self.line_id, year=self.year)


class BalanceLine(ClosedYearGuard):
    """One specification line of a year-end balance item (the rows of its note).

    The item's figure in the balance sheet is the sum of its lines; amounts are
    positive for what the item is (an asset, a provision, a liability).
    """

    RECEIVABLES = "fordringar"
    PLACEMENTS = "kortfristiga_placeringar"
    CASH = "kassa_och_bank"
    PENSIONS = "avsattningar_pensioner"
    LIABILITIES = "kortfristiga_skulder"
    ITEMS = [
        (RECEIVABLES, "Fordringar"),
        (PLACEMENTS, "Kortfristiga placeringar"),
        (CASH, "Kassa och bank"),
        (PENSIONS, "Avsättningar för pensioner"),
        (LIABILITIES, "Kortfristiga skulder"),
    ]

    fiscal_year = models.ForeignKey(
        FiscalYear,
        verbose_name="räkenskapsår",
        on_delete=models.CASCADE,
        related_name="balance_lines",
    )
    item = models.CharField("post", max_length=30, choices=ITEMS)
    label = models.CharField("specifikation", max_length=200)
    account = models.CharField("konto", max_length=10, blank=True)
    amount = models.DecimalField("belopp (kr)", max_digits=14, decimal_places=2)
    sort_order = models.PositiveIntegerField("ordning", default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["fiscal_year", "item", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "item", "label"], name="one_balance_label_per_item"
            )
        ]
        verbose_name = "balanspost"
        verbose_name_plural = "balansposter"

    def __str__(self) -> str:
        return f"{self.fiscal_year.year} {self.get_item_display()}: {self.label}"

    @property
    def audit_label(self) -> str:
        return f"Bokslut {self.fiscal_year.year}, {self.get_item_display().lower()}: {self.label}"

    def _closed_years(self) -> models.QuerySet:
        return FiscalYear.objects.filter(pk=self.fiscal_year_id)


class AccountMapping(models.Model):
    """Where an account of the ledger goes: a budget line or a balance item.

    Accounts without a row here follow the import's other rules (see
    `budgets.sie_mapping`)."""

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="account_mappings",
    )
    account = models.CharField("konto", max_length=10)
    line = models.ForeignKey(
        BudgetLine,
        verbose_name="budgetpost",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account_mappings",
    )
    item = models.CharField("balanspost", max_length=30, choices=BalanceLine.ITEMS, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["association", "account"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "account"], name="one_mapping_per_account"
            ),
            models.CheckConstraint(
                condition=(Q(line__isnull=False) & Q(item=""))
                | (Q(line__isnull=True) & ~Q(item="")),
                name="mapping_has_one_target",
            ),
        ]
        verbose_name = "kontomappning"
        verbose_name_plural = "kontomappningar"

    def __str__(self) -> str:
        return f"{self.account} → {self.line or self.get_item_display()}"


class ProjectMapping(models.Model):
    """Where a projekt object of the ledger (SIE dimension 6) goes: a budget line,
    usually an insats's. Saved when a person confirms the import's proposal (the
    object's code or name matched to an insats) or chooses a line in the preview."""

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="project_mappings",
    )
    code = models.CharField("projektkod", max_length=40)
    name = models.CharField("namn i bokföringen", max_length=200, blank=True)
    line = models.ForeignKey(
        BudgetLine,
        verbose_name="budgetpost",
        on_delete=models.PROTECT,
        related_name="project_mappings",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["association", "code"]
        constraints = [
            models.UniqueConstraint(fields=["association", "code"], name="one_mapping_per_project")
        ]
        verbose_name = "projektmappning"
        verbose_name_plural = "projektmappningar"

    def __str__(self) -> str:
        return f"projekt {self.code} → {self.line}"

    @property
    def audit_label(self) -> str:
        return f"Projektmappning {self.code}"


class LedgerImport(models.Model):
    """A record of every applied SIE import: the file, who, when and what it changed."""

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="ledger_imports",
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name="räkenskapsår", on_delete=models.PROTECT, related_name="imports"
    )
    file_name = models.CharField("filnamn", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="importerad av",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    imported_at = models.DateTimeField("importerad", auto_now_add=True)
    changes = models.JSONField("ändringar", default=dict)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = "SIE-import"
        verbose_name_plural = "SIE-importer"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.fiscal_year.year})"


class SieUpload(models.Model):
    """A file uploaded for preview; applied or thrown away, never a figure itself."""

    association = models.ForeignKey(
        Association, verbose_name="samordningsförbund", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveIntegerField("år")
    file_name = models.CharField("filnamn", max_length=255)
    content = models.BinaryField("innehåll")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="uppladdad av",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("uppladdad", auto_now_add=True)

    class Meta:
        verbose_name = "uppladdad SIE-fil"
        verbose_name_plural = "uppladdade SIE-filer"

    def __str__(self) -> str:
        return self.file_name


class ExcelRowMapping(models.Model):
    """Which budget line a row of an Excel sheet stands for, when its name is not a
    line's name ("Arbetsförmedling och Försäkringskassa" for "Staten (AF+FK)"); no
    line means the row is skipped. Remembered per association, so a second sheet
    with the same names needs no choices."""

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="excel_row_mappings",
    )
    name = models.CharField("radnamn i Excel", max_length=200)  # normalised: see excel.py
    line = models.ForeignKey(
        BudgetLine,
        verbose_name="budgetpost",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="excel_row_mappings",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["association", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "name"], name="one_excel_mapping_per_name"
            ),
        ]
        verbose_name = "Excel-radkoppling"
        verbose_name_plural = "Excel-radkopplingar"

    def __str__(self) -> str:
        return f"{self.name} → {self.line or 'hoppas över'}"


class ImportJob(models.Model):
    """An SIE import applied by the background worker (`budgets.tasks.run_import`):
    what was asked, how far it has come and how it ended. The figures themselves are
    written by `ledger.apply_import`, all or nothing; the job only follows it."""

    QUEUED, READING, WRITING = "queued", "reading", "writing"
    DONE, REFUSED, FAILED = "done", "refused", "failed"
    STATUSES = [
        (QUEUED, "i kö"),
        (READING, "läser filen"),
        (WRITING, "skriver"),
        (DONE, "klar"),
        (REFUSED, "avvisad"),
        (FAILED, "misslyckad"),
    ]
    FINISHED = (DONE, REFUSED, FAILED)

    association = models.ForeignKey(
        Association, verbose_name="samordningsförbund", on_delete=models.CASCADE, related_name="+"
    )
    upload = models.ForeignKey(
        SieUpload,
        verbose_name="uppladdad fil",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    year = models.PositiveIntegerField("år")
    file_name = models.CharField("filnamn", max_length=255)
    confirm = models.BooleanField("iakttagelser bekräftade", default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="begärd av",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField("läge", max_length=10, choices=STATUSES, default=QUEUED)
    percent = models.PositiveSmallIntegerField("läst (procent)", default=0)
    message = models.TextField("meddelande", blank=True)
    ledger_import = models.ForeignKey(
        LedgerImport,
        verbose_name="inläsning",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    task_id = models.CharField("uppgiftens id", max_length=64, blank=True)
    # The file's SHA-256, noted when the worker starts: the LedgerImport of this file
    # tells, whatever happened to the worker, whether the import was saved.
    sha256 = models.CharField("filens SHA-256", max_length=64, blank=True)
    # Renewed by the worker (finsam.jobs.heartbeat); run out means the worker is gone.
    lease_until = models.DateTimeField("arbetas på till", null=True, blank=True)
    requested_at = models.DateTimeField("begärd", auto_now_add=True)
    started_at = models.DateTimeField("påbörjad", null=True, blank=True)
    finished_at = models.DateTimeField("avslutad", null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = "SIE-inläsning i bakgrunden"
        verbose_name_plural = "SIE-inläsningar i bakgrunden"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.year})"

    @property
    def audit_label(self) -> str:
        return f"SIE-inläsning av {self.file_name} ({self.year})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED
