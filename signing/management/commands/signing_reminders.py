from django.core.management.base import BaseCommand

from signing import notifications


class Command(BaseCommand):
    help = "Påminn dem som ännu inte har skrivit under en årsredovisning (e-post)."

    def handle(self, *args, **options):
        sent = notifications.reminders()
        self.stdout.write(f"{sent} påminnelser skickade.")
