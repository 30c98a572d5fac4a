from django.urls import path

from budgets import views

app_name = "budgets"

urlpatterns = [
    path("", views.index, name="index"),
    path("ny/", views.budget_create, name="budget_create"),
    path("poster/ny/", views.line_create, name="line_create"),
    path("<year:year>/", views.budget_detail, name="budget_detail"),
    path("<year:year>/cell/", views.cell_save, name="cell_save"),
    path("<year:year>/ny-post/", views.grid_line_add, name="grid_line_add"),
    path("<year:year>/summor/", views.budget_totals, name="budget_totals"),
    path("<year:year>/spara/", views.grid_save, name="grid_save"),
    path("<year:year>/besluta/", views.budget_decide, name="budget_decide"),
    path("<year:year>/revidera/", views.budget_revise, name="budget_revise"),
]
urlpatterns += [
    path("<year:year>/jamforelse/", views.budget_comparison, name="budget_comparison"),
]
urlpatterns += [
    path("<year:year>/excel/", views.budget_xlsx, name="budget_xlsx"),
    path("<year:year>/jamforelse/excel/", views.comparison_xlsx, name="comparison_xlsx"),
    path("<year:year>/import/", views.budget_import, name="budget_import"),
    path("<year:year>/import/genomfor/", views.budget_import_apply, name="budget_import_apply"),
]
urlpatterns += [
    path("poster/", views.line_list, name="line_list"),
    path("poster/<int:budgetline_id>/andra/", views.line_edit, name="line_edit"),
    path("<year:year>/prognos/", views.forecast_edit, name="forecast_edit"),
    path("<year:year>/utfall/", views.actuals_edit, name="actuals_edit"),
]
