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

from members.models import Association, Member


class FiscalYear(models.Model):
    """A räkenskapsår; once closed, nothing in it changes any more."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="fiscal_years"
    )
    year = models.PositiveIntegerField("år")
    closed_on = models.DateField("stängt den", null=True, blank=True)
    closed_paragraph = models.CharField("protokollsparagraf", max_length=50, blank=True)
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
    def is_closed(self) -> bool:
        return self.closed_on is not None


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
        Association, on_delete=models.CASCADE, related_name="budget_lines"
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
    def is_income(self) -> bool:
        return self.group in self.INCOME_GROUPS

    @property
    def from_contributions(self) -> bool:
        return self.group == self.CONTRIBUTION and (self.state or self.member_id is not None)


class Budget(models.Model):
    """The budget for year N, with plan years N+1 and N+2, in versions."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveIntegerField("år")

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["association", "year"], name="one_budget_per_year")
        ]
        verbose_name = "budget"
        verbose_name_plural = "budgetar"

    def __str__(self) -> str:
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
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

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
    def is_decided(self) -> bool:
        return self.status == self.DECIDED


class BudgetAmount(models.Model):
    """One figure of a version: a line in year N + offset (0 budget, 1–2 plan)."""

    budget_version = models.ForeignKey(
        BudgetVersion, on_delete=models.CASCADE, related_name="amounts"
    )
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="amounts")
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


class Forecast(models.Model):
    """A full-year prognos for a line, as of a date; later ones supersede earlier."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="forecasts")
    year = models.PositiveIntegerField("år")
    made_on = models.DateField("prognosdatum")
    amount = models.DecimalField("belopp (kr)", max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["year", "made_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["line", "year", "made_on"], name="one_forecast_a_day")
        ]
        verbose_name = "prognos"
        verbose_name_plural = "prognoser"

    def __str__(self) -> str:
        return f"{self.line} {self.year} ({self.made_on})"


class Actual(models.Model):
    """Outcome (utfall) of a line in one month; by hand or from the ledger's export."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="actuals")
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
