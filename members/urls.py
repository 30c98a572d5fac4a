from django.urls import path

from members import access_views, audit_views, views

app_name = "members"

urlpatterns = [
    path("", views.association_home, name="association_home"),
    path("forbund/andra/", views.association_edit, name="association_edit"),
    path("medlemmar/", views.member_list, name="member_list"),
    path("medlemmar/ny/", views.member_create, name="member_create"),
    path("medlemmar/<int:member_id>/andra/", views.member_edit, name="member_edit"),
    path("organisation/", views.people_list, name="people_list"),
    path("organisation/personer/ny/", views.person_create, name="person_create"),
    path("organisation/personer/<int:person_id>/andra/", views.person_edit, name="person_edit"),
    path("organisation/uppdrag/nytt/", views.appointment_create, name="appointment_create"),
    path(
        "organisation/uppdrag/<int:appointment_id>/andra/",
        views.appointment_edit,
        name="appointment_edit",
    ),
    path(
        "organisation/uppdrag/<int:appointment_id>/ta-bort/",
        views.appointment_delete,
        name="appointment_delete",
    ),
    path("bidrag/", views.allocation_list, name="allocation_list"),
    path("bidrag/nytt/", views.allocation_create, name="allocation_create"),
    path("bidrag/<year:year>/", views.allocation_detail, name="allocation_detail"),
    path("bidrag/<year:year>/andra/", views.allocation_edit, name="allocation_edit"),
    path("bidrag/forhandsvisning/", views.allocation_preview, name="allocation_preview"),
    path("behorigheter/", access_views.access_list, name="access_list"),
    path("behorigheter/<int:userrole_id>/andra/", access_views.access_edit, name="access_edit"),
    path(
        "behorigheter/<int:userrole_id>/ta-bort/",
        access_views.access_remove,
        name="access_remove",
    ),
    path(
        "behorigheter/inbjudan/<int:invitation_id>/dra-tillbaka/",
        access_views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("andringslogg/", audit_views.audit_log, name="audit_log"),
    path("andringslogg/excel/", audit_views.audit_log_xlsx, name="audit_log_xlsx"),
]
