"""Insatser: the initiatives the association funds (DOMAIN §5), their funding
decisions and their aggregated follow-up (counts only, never personal data)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from members.models import Association, Member


class Insats(models.Model):
    INDIVID = "individ"
    STRUKTUR = "struktur"
    PROCESSTOD = "processtod"
    KINDS = [
        (INDIVID, "Individinsats"),
        (STRUKTUR, "Strukturell insats"),
        (PROCESSTOD, "Processtöd"),
    ]
    ANSOKAN = "ansokan"
    BEVILJAD = "beviljad"
    PAGAENDE = "pagaende"
    AVSLUTAD = "avslutad"
    AVSLAGEN = "avslagen"
    STATUSES = [
        (ANSOKAN, "Ansökan"),
        (BEVILJAD, "Beviljad"),
        (PAGAENDE, "Pågående"),
        (AVSLUTAD, "Avslutad"),
        (AVSLAGEN, "Avslagen"),
    ]
    # The only moves the lifecycle allows.
    TRANSITIONS = {
        ANSOKAN: {BEVILJAD, AVSLAGEN},
        BEVILJAD: {PAGAENDE, AVSLUTAD},
        PAGAENDE: {AVSLUTAD},
        AVSLUTAD: set(),
        AVSLAGEN: set(),
    }

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="insatser",
    )
    name = models.CharField("namn", max_length=200)
    code = models.CharField(
        "kortkod",
        max_length=30,
        help_text="Används för att känna igen insatsens projektobjekt i bokföringen.",
    )
    kind = models.CharField("slag", max_length=20, choices=KINDS)
    status = models.CharField("status", max_length=20, choices=STATUSES, default=ANSOKAN)
    members = models.ManyToManyField(
        Member, verbose_name="genomförs av", blank=True, related_name="insatser"
    )
    purpose = models.TextField("syfte", blank=True)
    target_group = models.TextField("målgrupp", blank=True)
    start = models.DateField("från", null=True, blank=True)
    end = models.DateField("till", null=True, blank=True)
    capacity = models.PositiveIntegerField("årsplatser", null=True, blank=True)
    steering_group = models.TextField(
        "styrgrupp", blank=True, help_text="Vilka som sitter i insatsens styrgrupp."
    )
    published = models.BooleanField(
        "publicerad", default=False, help_text="Visas på förbundets öppna resultatsida."
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["association", "code"], name="insats_code_unique"),
            models.CheckConstraint(
                condition=Q(end__isnull=True)
                | Q(start__isnull=True)
                | Q(end__gte=models.F("start")),
                name="insats_end_after_start",
                violation_error_message="Slutdatum kan inte ligga före startdatum.",
            ),
        ]
        verbose_name = "insats"
        verbose_name_plural = "insatser"

    def __str__(self) -> str:
        return self.name

    def period_text(self) -> str:
        first = self.start.year if self.start else None
        last = self.end.year if self.end else None
        if first and last:
            return str(first) if first == last else f"{first}–{last}"
        if first:
            return f"från {first}"
        return f"till {last}" if last else "inte angiven"

    def outside_period(self, year: int) -> str | None:
        """Why figures or money for the year cannot belong to the insats (None if they can)."""
        if (self.start and year < self.start.year) or (self.end and year > self.end.year):
            return f"{year} ligger utanför insatsens period ({self.period_text()})."
        return None

    def own_years(
        self, today_year: int, also: set[int] | frozenset[int] = frozenset()
    ) -> list[int]:
        """The years the insats runs: its period; where it has no start, from its first
        year with figures or money; where it has no end, up to next year. Years that
        already hold figures are always included."""
        known = set(also)
        first = self.start.year if self.start else min(known | {today_year})
        last = self.end.year if self.end else max(known | {today_year}) + 1
        return sorted(set(range(first, last + 1)) | known)


class Staffing(models.Model):
    """One row of an insats's staffing (bemanning): a role, how many, how much of full time."""

    insats = models.ForeignKey(Insats, on_delete=models.CASCADE, related_name="staffing")
    role = models.CharField("roll", max_length=100)
    count = models.PositiveIntegerField("antal", default=1, validators=[MinValueValidator(1)])
    percent = models.DecimalField(
        "procent av heltid",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=1),
                name="staffing_count_at_least_one",
                violation_error_message="Antalet måste vara minst 1.",
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100),
                name="staffing_percent_of_full_time",
                violation_error_message="Andelen av heltid måste ligga mellan 0 och 100 procent.",
            ),
        ]
        verbose_name = "bemanning"
        verbose_name_plural = "bemanning"

    def __str__(self) -> str:
        return f"{self.insats}: {self.count} × {self.role}"


class FundingDecision(models.Model):
    """The board's decision to fund an insats for a year (beslut om medel)."""

    insats = models.ForeignKey(Insats, on_delete=models.CASCADE, related_name="decisions")
    decided_on = models.DateField("beslutsdatum")
    paragraph = models.CharField("protokollsparagraf", max_length=50, blank=True)
    year = models.PositiveIntegerField("år")
    amount = models.DecimalField("belopp (kr)", max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["year", "decided_on"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="decision_not_negative")
        ]
        verbose_name = "beslut om medel"
        verbose_name_plural = "beslut om medel"

    def __str__(self) -> str:
        return f"{self.insats} {self.year}"

    @property
    def audit_label(self) -> str:
        return f"Beslut om medel {self.year}, insats {self.insats.name}"


class ParticipantStats(models.Model):
    """Aggregated participants of an insats in a year, by gender. Counts only.

    Total and ongoing may be unreported (None) where the source gives only who
    started and who ended (SUS summaries); when given, ended + ongoing = total."""

    insats = models.ForeignKey(Insats, on_delete=models.CASCADE, related_name="participant_stats")
    year = models.PositiveIntegerField("år")
    women_total = models.PositiveIntegerField(
        "kvinnor totalt", null=True, blank=True, help_text="Tomt när källan inte redovisar det."
    )
    men_total = models.PositiveIntegerField(
        "män totalt", null=True, blank=True, help_text="Tomt när källan inte redovisar det."
    )
    women_new = models.PositiveIntegerField("nya kvinnor", default=0)
    men_new = models.PositiveIntegerField("nya män", default=0)
    women_ended = models.PositiveIntegerField("avslutade kvinnor", default=0)
    men_ended = models.PositiveIntegerField("avslutade män", default=0)
    women_ongoing = models.PositiveIntegerField(
        "pågående kvinnor", null=True, blank=True, help_text="Tomt när källan inte redovisar det."
    )
    men_ongoing = models.PositiveIntegerField(
        "pågående män", null=True, blank=True, help_text="Tomt när källan inte redovisar det."
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["insats", "year"], name="one_stats_per_year"),
            models.CheckConstraint(
                condition=Q(women_total=models.F("women_ended") + models.F("women_ongoing"))
                & Q(men_total=models.F("men_ended") + models.F("men_ongoing")),
                name="ended_plus_ongoing_is_total",
            ),
        ]
        verbose_name = "deltagarstatistik"
        verbose_name_plural = "deltagarstatistik"

    def __str__(self) -> str:
        return f"{self.insats} {self.year}"

    @property
    def audit_label(self) -> str:
        return f"Deltagare {self.year}, insats {self.insats.name}"


class EndReason(models.Model):
    """How many ended for one reason, by gender (avslutsorsak)."""

    REASONS = [
        ("arbete", "Arbete"),
        ("studier", "Studier"),
        ("arbetssokande", "Aktivt arbetssökande"),
        ("rehabilitering", "Annan arbetslivsinriktad rehabilitering"),
        ("sjukdom", "Sjukdom/ohälsa"),
        ("flytt", "Flytt"),
        ("foraldraledig", "Föräldraledighet"),
        ("ovrigt", "Övrigt"),
        # SUS reports these as such: an ending without a stated destination, and an
        # ending where no measurement was made. ("Utskrivning – fortsatt
        # rehabilitering" is "rehabilitering" above.)
        ("utskrivning", "Utskrivning utan angiven orsak"),
        ("utan_matning", "Avslutad utan mätning"),
        # Ended within the trial period: not counted in the result (Västerås 2020).
        ("provtid", "Avslutad under prövotiden"),
    ]

    stats = models.ForeignKey(
        ParticipantStats,
        verbose_name="deltagarstatistik",
        on_delete=models.CASCADE,
        related_name="end_reasons",
    )
    reason = models.CharField("orsak", max_length=20, choices=REASONS)
    women = models.PositiveIntegerField("kvinnor", default=0)
    men = models.PositiveIntegerField("män", default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stats", "reason"], name="one_row_per_reason")
        ]
        verbose_name = "avslutsorsak"
        verbose_name_plural = "avslutsorsaker"

    def __str__(self) -> str:
        return f"{self.stats} {self.get_reason_display()}"


class ParticipantBreakdown(models.Model):
    """Participants of a year by one more dimension, by gender (counts only).

    Support before and after may name several sources for one participant, so their
    rows may add up to more than the participants; each row may not exceed them. Age,
    education and time in support give one category per participant."""

    SUPPORT_BEFORE = "forsorjning_fore"
    SUPPORT_AFTER = "forsorjning_efter"
    TIME_IN_SUPPORT = "tid_i_forsorjning"
    AGE = "alder"
    EDUCATION = "utbildning"
    DIMENSIONS = [
        (SUPPORT_BEFORE, "Försörjning före insatsen"),
        (SUPPORT_AFTER, "Försörjning efter insatsen"),
        (TIME_IN_SUPPORT, "Tid i offentlig försörjning före insatsen"),
        (AGE, "Ålder"),
        (EDUCATION, "Utbildningsnivå"),
    ]
    SUPPORT = [
        ("forsorjningsstod", "Försörjningsstöd"),
        ("sjukpenning", "Sjukpenning/rehabiliteringspenning"),
        ("aktivitetsersattning", "Aktivitetsersättning"),
        ("aktivitetsstod", "Aktivitetsstöd"),
        ("a_kassa", "A-kassa"),
        ("sjukersattning", "Sjukersättning"),
        ("studiemedel", "Studiestöd/studiemedel"),
        ("annan_offentlig", "Annan offentlig försörjning"),
        ("ingen_offentlig", "Ingen offentlig försörjning"),
        ("okand", "Uppgift saknas"),
    ]
    CATEGORIES = {
        SUPPORT_BEFORE: SUPPORT,
        SUPPORT_AFTER: SUPPORT,
        TIME_IN_SUPPORT: [
            ("under_1", "Mindre än 1 år"),
            ("1_2", "1–2 år"),
            ("3_4", "3–4 år"),
            ("5_8", "5–8 år"),
            ("9_plus", "9 år eller mer"),
            ("okand", "Uppgift saknas"),
        ],
        AGE: [
            ("16_19", "16–19 år"),
            ("20_29", "20–29 år"),
            ("30_39", "30–39 år"),
            ("40_49", "40–49 år"),
            ("50_59", "50–59 år"),
            ("60_plus", "60 år eller äldre"),
            ("okand", "Uppgift saknas"),
        ],
        EDUCATION: [
            ("grundskola", "Grundskola (högst förgymnasial)"),
            ("gymnasium", "Gymnasium"),
            ("hogskola_upp_till_1", "Högskola/universitet upp till 1 år"),
            ("hogskola_upp_till_3", "Högskola/universitet upp till 3 år"),
            ("hogskola_over_3", "Högskola/universitet mer än 3 år"),
            ("annan_eftergymnasial", "Annan eftergymnasial utbildning"),
            ("okand", "Saknas/okänd"),
        ],
    }

    stats = models.ForeignKey(
        ParticipantStats,
        verbose_name="deltagarstatistik",
        on_delete=models.CASCADE,
        related_name="breakdowns",
    )
    dimension = models.CharField("dimension", max_length=20, choices=DIMENSIONS)
    category = models.CharField("kategori", max_length=30)
    women = models.PositiveIntegerField("kvinnor", default=0)
    men = models.PositiveIntegerField("män", default=0)

    class Meta:
        ordering = ["stats", "dimension", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stats", "dimension", "category"], name="one_row_per_category"
            )
        ]
        verbose_name = "deltagarfördelning"
        verbose_name_plural = "deltagarfördelningar"

    def __str__(self) -> str:
        return f"{self.stats} {self.get_dimension_display()}: {self.category_label}"

    @property
    def category_label(self) -> str:
        return dict(self.CATEGORIES.get(self.dimension, [])).get(self.category, self.category)


class Activity(models.Model):
    """An activity of a structural insats: a training, a seminar, a meeting place."""

    KINDS = [
        ("utbildning", "Utbildning"),
        ("seminarium", "Seminarium/föreläsning"),
        ("natverk", "Nätverksträff"),
        ("motesplats", "Mötesplats (t.ex. Dejt med en verkSAMhet)"),
        ("ovrigt", "Övrigt"),
    ]

    insats = models.ForeignKey(Insats, on_delete=models.CASCADE, related_name="activities")
    # The year it belongs to; the date only where it is known (a report that names
    # the month or nothing prints no invented day).
    year = models.PositiveIntegerField("år")
    date = models.DateField("datum", null=True, blank=True)
    title = models.CharField("rubrik", max_length=200)
    kind = models.CharField("slag", max_length=20, choices=KINDS)
    attendees = models.PositiveIntegerField("antal deltagare")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["year", "date", "pk"]
        verbose_name = "aktivitet"
        verbose_name_plural = "aktiviteter"

    def __str__(self) -> str:
        return f"{self.date or self.year} {self.title}"

    def clean(self) -> None:
        if self.date is not None and self.year and self.date.year != self.year:
            raise ValidationError({"date": f"Datumet ligger inte i år {self.year}."})


class Goal(models.Model):
    """A goal of a year's verksamhetsplan, with its target and, later, its result."""

    AREAS = [
        ("individ", "Individinsatser"),
        ("metoder", "Metoder och arbetssätt"),
        ("struktur", "Struktur och organisation"),
        ("samverkan", "Övrig samverkan"),
        ("finansiell", "Finansiella mål"),
    ]
    ACHIEVED = "uppnatt"
    PARTLY = "delvis"
    NOT_ACHIEVED = "ej_uppnatt"
    STATUSES = [
        (ACHIEVED, "Uppnått"),
        (PARTLY, "Delvis uppnått"),
        (NOT_ACHIEVED, "Ej uppnått"),
    ]

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="goals",
    )
    year = models.PositiveIntegerField("år")
    area = models.CharField("område", max_length=20, choices=AREAS)
    text = models.TextField("mål")
    target = models.DecimalField(
        "målvärde", max_digits=14, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(
        "enhet", max_length=40, blank=True, help_text="t.ex. procent, deltagare"
    )
    result = models.DecimalField("utfall", max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField("bedömning", max_length=20, choices=STATUSES, blank=True)
    comment = models.TextField("kommentar", blank=True)
    insatser = models.ManyToManyField(
        Insats, verbose_name="insatser", blank=True, related_name="goals"
    )
    sort_order = models.PositiveIntegerField("ordning", default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["year", "area", "sort_order", "pk"]
        verbose_name = "mål"
        verbose_name_plural = "mål"

    def __str__(self) -> str:
        return f"{self.year}: {self.text[:60]}"
