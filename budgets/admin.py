"""Budgets in the admin are for looking: figures change only through the budget pages
and their services, where decided versions and closed years are refused."""

from django.contrib import admin

from budgets.models import Actual, Budget, BudgetAmount, BudgetLine, BudgetVersion, FiscalYear


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FiscalYear)
class FiscalYearAdmin(ReadOnlyAdmin):
    list_display = ["association", "year", "closed_on", "closed_paragraph"]
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
