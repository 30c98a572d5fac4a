from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Förbund och medlemmar"
    nav_items = [
        ("Översikt", "members:association_home", "start", "read"),
        ("Medlemmar", "members:member_list", "members", "read"),
        ("Bidrag", "members:allocation_list", "allocations", "read"),
        ("Organisation", "members:people_list", "people", "read"),
        ("Ändringslogg", "members:audit_log", "audit", "read"),
        ("Behörigheter", "members:access_list", "access", "edit"),
    ]
