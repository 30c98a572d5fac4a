from django.apps import AppConfig, apps

# Swedish names in the admin for the apps that ship none (django-axes and django-tasks
# have no Swedish translation). Only the display names change: Meta options that
# migrations read stay as the packages declare them.
ADMIN_NAMES = {
    "axes": (
        "Inloggningsspärrar",
        {
            "AccessAttempt": ("inloggningsförsök", "inloggningsförsök"),
            "AccessFailureLog": ("misslyckad inloggning", "misslyckade inloggningar"),
            "AccessLog": ("inloggning", "inloggningar"),
            "AccessAttemptExpiration": ("spärrtid", "spärrtider"),
        },
    ),
    "django_tasks_database": (
        "Bakgrundsjobb",
        {"DBTaskResult": ("resultat av bakgrundsjobb", "resultat av bakgrundsjobb")},
    ),
}


class FinsamConfig(AppConfig):
    name = "finsam"
    verbose_name = "Finsam"

    def ready(self) -> None:
        for label, (app_name, models) in ADMIN_NAMES.items():
            try:
                config = apps.get_app_config(label)
            except LookupError:
                continue
            config.verbose_name = app_name
            for model_name, (singular, plural) in models.items():
                try:
                    meta = config.get_model(model_name)._meta
                except LookupError:
                    continue
                meta.verbose_name, meta.verbose_name_plural = singular, plural
