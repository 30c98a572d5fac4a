from django.urls import path

from reporting import document_views, pdf_views, views

app_name = "reporting"

urlpatterns = [
    path("bokslut/", views.index, name="index"),
    path("bokslut/<year:year>/", views.statements, name="statements"),
    path("bokslut/<year:year>/drift/", views.operating, name="operating"),
    path("bokslut/<year:year>/balanser/", views.balances, name="balances"),
    path("bokslut/<year:year>/balanser/ta-bort/", views.balance_delete, name="balance_delete"),
    path("bokslut/<year:year>/uppgifter/", views.year_end_edit, name="year_end_edit"),
    path("bokslut/<year:year>/stang/", views.close_year, name="close_year"),
    path(
        "bokslut/<year:year>/stang-utanfor-finsam/",
        views.close_year_outside,
        name="close_year_outside",
    ),
    path("bokslut/<year:year>/oppna/", views.reopen_year, name="reopen_year"),
    path("bokslut/<year:year>/sie/", views.sie_import, name="sie_import"),
    path(
        "bokslut/<year:year>/sie/inlasning/<int:importjob_id>/",
        views.sie_import_job,
        name="sie_import_job",
    ),
]

# The documents (HTML page, downloads, texts), the auditors' page and the logo.
urlpatterns += [
    path("dokument/", document_views.index, name="documents"),
    path("dokument/logotyp/", document_views.logo, name="logo"),
    path("revision/", document_views.auditors, name="auditors"),
    path(
        "revision/<int:decideddocument_id>/pdf/",
        document_views.decided_download,
        name="decided_pdf",
    ),
    path("dokument/pdf/<int:renderedpdf_id>/", pdf_views.pdf_job, name="pdf_job"),
    path(
        "dokument/arsredovisning/<year:year>/underlag/",
        document_views.report_data,
        name="report_data",
    ),
    path(
        "dokument/arsredovisning/<year:year>/revisionsberattelse/",
        document_views.audit_report_pdf,
        name="audit_report_pdf",
    ),
    path(
        "dokument/arsredovisning/<year:year>/utanfor-finsam/",
        document_views.outside_report_upload,
        name="outside_report_upload",
    ),
]
for _kind, _view in document_views.document_views.items():
    urlpatterns.append(path(f"dokument/{_kind}/<year:year>/", _view, name=f"document_{_kind}"))
for (_kind, _fmt), _view in document_views.download_views.items():
    urlpatterns.append(
        path(f"dokument/{_kind}/<year:year>/{_fmt}/", _view, name=f"document_{_kind}_{_fmt}")
    )
for _kind, _view in document_views.text_views.items():
    urlpatterns.append(path(f"dokument/{_kind}/<year:year>/texter/", _view, name=f"texts_{_kind}"))
