from django.urls import path

from signing import views

app_name = "signing"

urlpatterns = [
    path("", views.index, name="index"),
    path("kontrollera/", views.verify, name="verify"),
    path("<year:year>/", views.round_detail, name="round_detail"),
    path("<year:year>/skicka/", views.round_start, name="round_start"),
    path("<year:year>/skriv-under/", views.sign, name="sign"),
    path("<year:year>/original/", views.sealed_download, name="sealed_download"),
    path(
        "<year:year>/revisionsberattelse/",
        views.sealed_audit_report_download,
        name="sealed_audit_report_download",
    ),
]
