"""The audit trail: who changed which figure, when, from what to what."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    ACTIONS = [(CREATE, "Skapad"), (UPDATE, "Ändrad"), (DELETE, "Borttagen")]

    association = models.ForeignKey(
        "members.Association",
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="audit_entries",
    )
    at = models.DateTimeField("tidpunkt", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="användare",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    action = models.CharField("händelse", max_length=10, choices=ACTIONS)
    object_type = models.CharField("objekttyp", max_length=100)
    object_id = models.CharField("objekt-id", max_length=40)
    object_repr = models.CharField("objekt", max_length=300)
    year = models.PositiveIntegerField(
        "år", null=True, blank=True, db_index=True, help_text="Året ändringen gäller."
    )
    before = models.JSONField("före", null=True, blank=True)
    after = models.JSONField("efter", null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["association", "object_type", "object_id"])]
        verbose_name = "ändringslogg"
        verbose_name_plural = "ändringslogg"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"
