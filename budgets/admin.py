"""Budgets in the admin are for looking: figures change only through the budget pages
and their services, where decided versions and closed years are refused."""

from django.contrib import admin

from budgets.models import (
    AccountMapping,
    Actual,
    BalanceLine,
    Budget,
    BudgetAmount,
    BudgetLine,
    BudgetVersion,
    ExcelRowMapping,
    FiscalYear,
    ImportJob,
    LedgerImport,
    ProjectMapping,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FiscalYear)
class FiscalYearAdmin(ReadOnlyAdmin):
    list_display = ["association", "year", "closed_on", "closed_paragraph", "report_outside"]
    list_filter = ["association"]


@admin.register(BudgetLine)
class BudgetLineAdmin(ReadOnlyAdmin):
    list_display = ["name", "group", "association", "retired"]
    list_filter = ["association", "group"]


@admin.register(Budget)
class BudgetAdmin(ReadOnlyAdmin):
    list_display = ["association", "year"]


@admin.register(BudgetVersion)
class BudgetVersionAdmin(ReadOnlyAdmin):
    list_display = ["budget", "number", "status", "decided_on", "paragraph"]


@admin.register(BudgetAmount)
class BudgetAmountAdmin(ReadOnlyAdmin):
    list_display = ["budget_version", "line", "offset", "amount"]


@admin.register(Actual)
class ActualAdmin(ReadOnlyAdmin):
    list_display = ["line", "year", "month", "amount"]


@admin.register(BalanceLine)
class BalanceLineAdmin(ReadOnlyAdmin):
    list_display = ["fiscal_year", "item", "label", "amount"]
    list_filter = ["fiscal_year__association", "item"]


@admin.register(AccountMapping)
class AccountMappingAdmin(ReadOnlyAdmin):
    list_display = ["association", "account", "line", "item"]


@admin.register(ProjectMapping)
class ProjectMappingAdmin(ReadOnlyAdmin):
    list_display = ["association", "code", "name", "line"]


@admin.register(LedgerImport)
class LedgerImportAdmin(ReadOnlyAdmin):
    list_display = [
        "association",
        "fiscal_year",
        "file_name",
        "sha256",
        "imported_by",
        "imported_at",
    ]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["association", "year", "file_name", "status", "percent", "requested_at"]
    list_filter = ["status"]


@admin.register(ExcelRowMapping)
class ExcelRowMappingAdmin(ReadOnlyAdmin):
    list_display = ["association", "name", "line"]
