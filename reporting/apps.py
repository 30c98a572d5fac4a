from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Rapporter"
    nav_items = [
        ("Bokslut", "reporting:index", "reporting", "read"),
        ("Dokument", "reporting:documents", "documents", "read"),
        ("Revision", "reporting:auditors", "auditors", "download"),
    ]
