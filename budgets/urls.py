from django.urls import path

from budgets import views

app_name = "budgets"

urlpatterns = [
    path("", views.index, name="index"),
    path("ny/", views.budget_create, name="budget_create"),
    path("poster/ny/", views.line_create, name="line_create"),
    path("<int:year>/", views.budget_detail, name="budget_detail"),
    path("<int:year>/cell/", views.cell_save, name="cell_save"),
    path("<int:year>/summor/", views.budget_totals, name="budget_totals"),
    path("<int:year>/spara/", views.grid_save, name="grid_save"),
    path("<int:year>/besluta/", views.budget_decide, name="budget_decide"),
    path("<int:year>/revidera/", views.budget_revise, name="budget_revise"),
]
urlpatterns += [
    path("<int:year>/jamforelse/", views.budget_comparison, name="budget_comparison"),
]
urlpatterns += [
    path("<int:year>/excel/", views.budget_xlsx, name="budget_xlsx"),
    path("<int:year>/jamforelse/excel/", views.comparison_xlsx, name="comparison_xlsx"),
    path("<int:year>/import/", views.budget_import, name="budget_import"),
    path("<int:year>/import/genomfor/", views.budget_import_apply, name="budget_import_apply"),
]
urlpatterns += [
    path("poster/", views.line_list, name="line_list"),
    path("poster/<int:budgetline_id>/andra/", views.line_edit, name="line_edit"),
    path("<int:year>/prognos/", views.forecast_edit, name="forecast_edit"),
    path("<int:year>/utfall/", views.actuals_edit, name="actuals_edit"),
]
