"""Associations, their members, people and roles, allocations and contributions."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from finsam.validators import normalize_orgnr, validate_orgnr

# Slugs that would shadow the project's own top-level URLs.
RESERVED_SLUGS = {"admin", "konto", "static", "media", "api", "resultat", "nytt-forbund"}


class Association(models.Model):
    """A samordningsförbund: the tenant every other row belongs to."""

    name = models.CharField("namn", max_length=200)
    short_name = models.CharField("kortnamn", max_length=100, blank=True)
    slug = models.SlugField("kortadress", max_length=60, unique=True)
    orgnr = models.CharField(
        "organisationsnummer", max_length=11, blank=True, validators=[validate_orgnr]
    )
    address = models.CharField("postadress", max_length=200, blank=True)
    postal_code = models.CharField("postnummer", max_length=10, blank=True)
    city = models.CharField("ort", max_length=100, blank=True)
    email = models.EmailField("e-post", blank=True)
    phone = models.CharField("telefon", max_length=40, blank=True)
    website = models.URLField("webbplats", blank=True)
    vision = models.TextField("vision", blank=True)
    founded = models.DateField("bildat", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="uppgick i",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    merged_on = models.DateField("sammanslaget den", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "samordningsförbund"
        verbose_name_plural = "samordningsförbund"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": "Den kortadressen är reserverad. Välj en annan."})
        if self.orgnr:
            self.orgnr = normalize_orgnr(self.orgnr)
        if self.merged_into_id and self.merged_into_id == self.pk:
            raise ValidationError({"merged_into": "Ett förbund kan inte uppgå i sig självt."})
        if bool(self.merged_into_id) != bool(self.merged_on):
            raise ValidationError(
                "Ange både vilket förbund det uppgick i och datumet, eller ingetdera."
            )


class UserRole(models.Model):
    """A user's access to one association."""

    KANSLI = "kansli"
    STYRELSE = "styrelse"
    REVISOR = "revisor"
    ROLES = [(KANSLI, "Kansli"), (STYRELSE, "Styrelse"), (REVISOR, "Revisor")]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="användare",
        on_delete=models.CASCADE,
        related_name="roles",
    )
    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="user_roles",
    )
    role = models.CharField("roll", max_length=20, choices=ROLES)
    granted_at = models.DateTimeField("behörig sedan", null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "association"], name="one_role_per_association"
            )
        ]
        verbose_name = "användarroll"
        verbose_name_plural = "användarroller"

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} i {self.association}"

    @property
    def audit_label(self) -> str:
        return f"Behörighet för {person_label(self.user)}"


def person_label(user) -> str:
    """A user as the Behörigheter page names them: name and e-mail, else user name."""
    name = user.get_full_name().strip()
    email = user.email or ""
    if name and email:
        return f"{name} ({email})"
    return name or email or user.get_username()


class Invitation(models.Model):
    """An invitation by e-mail to a role in an association, used once before it expires.

    The link carries a token made by Django's token machinery
    (members.invitations.InvitationTokenGenerator) over this row's state, so a used,
    withdrawn or changed invitation's link no longer works.
    """

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField("e-postadress")
    role = models.CharField("roll", max_length=20, choices=UserRole.ROLES)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="inbjuden av",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("inbjuden")
    expires_at = models.DateTimeField("gäller till")
    accepted_at = models.DateTimeField("använd", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "email"],
                condition=Q(accepted_at__isnull=True),
                name="one_open_invitation_per_address",
            )
        ]
        verbose_name = "inbjudan"
        verbose_name_plural = "inbjudningar"

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @property
    def audit_label(self) -> str:
        return f"Inbjudan till {self.email}"


class Member(models.Model):
    """A medlem: Försäkringskassan, Arbetsförmedlingen, a region or a municipality."""

    FK = "fk"
    AF = "af"
    REGION = "region"
    KOMMUN = "kommun"
    KINDS = [
        (FK, "Försäkringskassan"),
        (AF, "Arbetsförmedlingen"),
        (REGION, "Region"),
        (KOMMUN, "Kommun"),
    ]

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="members",
    )
    kind = models.CharField("slag", max_length=10, choices=KINDS)
    name = models.CharField("namn", max_length=200)
    orgnr = models.CharField(
        "organisationsnummer", max_length=11, blank=True, validators=[validate_orgnr]
    )
    joined = models.DateField("medlem sedan", null=True, blank=True)
    left = models.DateField("medlem till", null=True, blank=True)
    sort_order = models.PositiveIntegerField("ordning", default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["association", "name"], name="member_name_unique"),
            models.CheckConstraint(
                condition=Q(left__isnull=True)
                | Q(joined__isnull=True)
                | Q(left__gte=models.F("joined")),
                name="member_left_after_joined",
            ),
        ]
        verbose_name = "medlem"
        verbose_name_plural = "medlemmar"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.orgnr:
            self.orgnr = normalize_orgnr(self.orgnr)
        if self.joined and self.left and self.left < self.joined:
            raise ValidationError({"left": "Slutdatum kan inte ligga före startdatum."})


class Person(models.Model):
    """Somebody who holds an appointment: board member, auditor, official."""

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="people",
    )
    name = models.CharField("namn", max_length=200)
    title = models.CharField("titel eller befattning", max_length=200, blank=True)
    organisation = models.CharField("organisation", max_length=200, blank=True)
    email = models.EmailField("e-post", blank=True)
    phone = models.CharField("telefon", max_length=40, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "person"
        verbose_name_plural = "personer"

    def __str__(self) -> str:
        return self.name


class Appointment(models.Model):
    """A person's role in the association for a period (uppdrag)."""

    ORDFORANDE = "ordforande"
    VICE_ORDFORANDE = "vice_ordforande"
    LEDAMOT = "ledamot"
    ERSATTARE = "ersattare"
    REVISOR = "revisor"
    REVISORSBITRADE = "revisorsbitrade"
    FORBUNDSCHEF = "forbundschef"
    SAMORDNARE = "samordnare"
    UTVECKLINGSLEDARE = "utvecklingsledare"
    EKONOM = "ekonom"
    ROLES = [
        (ORDFORANDE, "Ordförande"),
        (VICE_ORDFORANDE, "Vice ordförande"),
        (LEDAMOT, "Ledamot"),
        (ERSATTARE, "Ersättare"),
        (REVISOR, "Revisor"),
        (REVISORSBITRADE, "Revisorsbiträde"),
        (FORBUNDSCHEF, "Förbundschef"),
        (SAMORDNARE, "Förbundssamordnare"),
        (UTVECKLINGSLEDARE, "Utvecklingsledare"),
        (EKONOM, "Ekonom"),
    ]
    BOARD_ROLES = {ORDFORANDE, VICE_ORDFORANDE, LEDAMOT, ERSATTARE}
    AUDIT_ROLES = {REVISOR, REVISORSBITRADE}
    OFFICE_ROLES = {FORBUNDSCHEF, SAMORDNARE, UTVECKLINGSLEDARE, EKONOM}

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="appointments",
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="appointments")
    role = models.CharField("roll", max_length=30, choices=ROLES)
    appointed_by = models.ForeignKey(
        Member,
        verbose_name="utsedd av",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    start = models.DateField("från")
    end = models.DateField("till", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["start", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="appointment_end_after_start",
            )
        ]
        verbose_name = "uppdrag"
        verbose_name_plural = "uppdrag"

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()}"

    def clean(self) -> None:
        errors = {}
        if self.end and self.start and self.end < self.start:
            errors["end"] = "Slutdatum kan inte ligga före startdatum."
        if errors:
            raise ValidationError(errors)


class StateAllocation(models.Model):
    """The state's yearly allocation (statlig tilldelning) and the municipal key."""

    POPULATION = "befolkning"
    PERCENT = "procent"
    AMOUNT = "belopp"
    KEY_BASES = [
        (POPULATION, "Befolkningsandel"),
        (PERCENT, "Överenskomna procentsatser"),
        (AMOUNT, "Belopp enligt beslut"),
    ]

    association = models.ForeignKey(
        Association,
        verbose_name="samordningsförbund",
        on_delete=models.CASCADE,
        related_name="allocations",
    )
    year = models.PositiveIntegerField("år")
    amount = models.DecimalField("statens bidrag (kr)", max_digits=14, decimal_places=2)
    decided_on = models.DateField("beslutsdatum", null=True, blank=True)
    key_basis = models.CharField(
        "fördelningsnyckel", max_length=20, choices=KEY_BASES, default=PERCENT
    )
    note = models.CharField("anmärkning", max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "year"], name="one_allocation_per_year"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="allocation_not_negative"),
        ]
        verbose_name = "statlig tilldelning"
        verbose_name_plural = "statliga tilldelningar"

    def __str__(self) -> str:
        return f"{self.association} {self.year}"


class MunicipalShare(models.Model):
    """One municipality's weight in the year's key: population, percent or amount."""

    allocation = models.ForeignKey(
        StateAllocation,
        verbose_name="tilldelning",
        on_delete=models.CASCADE,
        related_name="shares",
    )
    member = models.ForeignKey(
        Member, verbose_name="medlem", on_delete=models.PROTECT, related_name="shares"
    )
    weight = models.DecimalField("andel", max_digits=14, decimal_places=4)

    class Meta:
        ordering = ["member__sort_order", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "member"], name="one_share_per_member"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="share_not_negative"),
        ]
        verbose_name = "kommunandel"
        verbose_name_plural = "kommunandelar"

    def __str__(self) -> str:
        return f"{self.member} {self.weight}"


class Contribution(models.Model):
    """A member's contribution for a year (medlemsbidrag), computed by the service.

    The state's half is one contribution ("Staten (AF+FK)") with no member.
    """

    STATE = "stat"
    REGION = "region"
    KOMMUN = "kommun"
    PARTIES = [(STATE, "Staten"), (REGION, "Region"), (KOMMUN, "Kommun")]

    allocation = models.ForeignKey(
        StateAllocation,
        verbose_name="tilldelning",
        on_delete=models.CASCADE,
        related_name="contributions",
    )
    party = models.CharField("part", max_length=10, choices=PARTIES)
    member = models.ForeignKey(
        Member,
        verbose_name="medlem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    name = models.CharField("namn", max_length=200)
    amount = models.DecimalField("belopp (kr)", max_digits=14, decimal_places=2)
    sort_order = models.PositiveIntegerField("ordning", default=0)

    class Meta:
        ordering = ["sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "member"], name="one_contribution_per_member"
            ),
            models.UniqueConstraint(
                fields=["allocation"],
                condition=Q(member__isnull=True),
                name="one_state_contribution",
            ),
        ]
        verbose_name = "medlemsbidrag"
        verbose_name_plural = "medlemsbidrag"

    def __str__(self) -> str:
        return f"{self.name} {self.allocation.year}"
