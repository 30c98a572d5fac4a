"""Insatser: the initiatives the association funds (DOMAIN §5)."""

from __future__ import annotations

from django.db import models

from members.models import Association


class Insats(models.Model):
    INDIVID = "individ"
    STRUKTUR = "struktur"
    PROCESSTOD = "processtod"
    KINDS = [
        (INDIVID, "Individinsats"),
        (STRUKTUR, "Strukturell insats"),
        (PROCESSTOD, "Processtöd"),
    ]

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="insatser")
    name = models.CharField("namn", max_length=200)
    code = models.CharField(
        "kortkod",
        max_length=30,
        help_text="Används för att känna igen insatsens projektobjekt i bokföringen.",
    )
    kind = models.CharField("slag", max_length=20, choices=KINDS)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["association", "code"], name="insats_code_unique")
        ]
        verbose_name = "insats"
        verbose_name_plural = "insatser"

    def __str__(self) -> str:
        return self.name
