from django.urls import path

from insatser import views

app_name = "insatser"

urlpatterns = [
    path("", views.index, name="index"),
    path("ny/", views.insats_create, name="insats_create"),
    path("<int:insats_id>/", views.insats_detail, name="insats_detail"),
    path("<int:insats_id>/andra/", views.insats_edit, name="insats_edit"),
    path("<int:insats_id>/status/", views.insats_status, name="insats_status"),
    path("<int:insats_id>/beslut/", views.decision_add, name="decision_add"),
    path("<int:insats_id>/bemanning/", views.staffing_add, name="staffing_add"),
    path("<int:insats_id>/bemanning/ta-bort/", views.staffing_delete, name="staffing_delete"),
]
urlpatterns += [
    path("<int:insats_id>/deltagare/<int:year>/", views.stats_edit, name="stats_edit"),
]
