from django.urls import path

from insatser import views

app_name = "insatser"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:insats_id>/", views.insats_detail, name="insats_detail"),
    path("<int:insats_id>/status/", views.insats_status, name="insats_status"),
]
urlpatterns += [
    path("<int:insats_id>/deltagare/<int:year>/", views.stats_edit, name="stats_edit"),
]
