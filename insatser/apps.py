from django.apps import AppConfig


class InsatserConfig(AppConfig):
    name = "insatser"
    verbose_name = "Insatser"
    nav_items = [("Insatser", "insatser:index", "insatser", "read")]
