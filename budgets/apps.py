import datetime

from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = "Budget och bokslut"
    nav_items = [("Budget", "budgets:index", "budgets", "read")]

    def home_notices(self, user, associations, today: datetime.date | None = None) -> list[str]:
        """From November on: next year's budget must be decided by 30 November."""
        from budgets.models import BudgetVersion

        today = today or datetime.date.today()
        if today.month < 11 or not associations:
            return []
        year = today.year + 1
        decided = set(
            BudgetVersion.objects.filter(
                budget__association__in=[a.id for a in associations if a.merged_into_id is None],
                budget__year=year,
                status=BudgetVersion.DECIDED,
            ).values_list("budget__association_id", flat=True)
        )
        deadline = datetime.date(today.year, 11, 30)
        notices = []
        for association in associations:
            if association.merged_into_id is not None or association.id in decided:
                continue
            if today > deadline:
                notices.append(
                    f"{association.name}: budgeten för {year} skulle ha beslutats senast "
                    f"{deadline} men är inte beslutad."
                )
            else:
                notices.append(
                    f"{association.name}: budgeten för {year} är ännu inte beslutad. "
                    f"Styrelsen ska besluta den senast {deadline}."
                )
        return notices
