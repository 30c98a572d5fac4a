"""Forms of the members app. Amounts go through finsam.forms.AmountField."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from django import forms
from django.core.exceptions import ValidationError

from finsam.forms import AmountField, BoundedForm, strip_percent
from finsam.money import MAX_AMOUNT
from finsam.validators import normalize_orgnr
from members.models import Appointment, Association, Member, Person, StateAllocation


class WeightField(AmountField):
    """A municipality's key weight: a population, or a percentage typed as printed."""

    def to_python(self, value):
        return super().to_python(strip_percent(value))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class VersionedForm(BoundedForm, forms.ModelForm):
    """Carries the version the row was read at, for the stale-edit check."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput):
                field.widget = DateInput()

    def full_clean(self):
        # Marked after validation, so that subclasses can narrow their choices (to
        # the association's own rows) before anything is validated.
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                field = self.fields[name]
                described = [f"{self[name].auto_id}_helptext"] if field.help_text else []
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["aria-describedby"] = " ".join([*described, f"{name}-error"])

    def clean_orgnr(self):
        value = self.cleaned_data.get("orgnr", "")
        return normalize_orgnr(value) if value else ""

    def data_for_service(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "version" and name in self._meta.fields
        }


class AssociationForm(VersionedForm):
    class Meta:
        model = Association
        fields = [
            "name",
            "short_name",
            "orgnr",
            "address",
            "postal_code",
            "city",
            "email",
            "phone",
            "website",
            "vision",
            "founded",
        ]
        widgets = {"vision": forms.Textarea(attrs={"rows": 3})}


class MemberForm(VersionedForm):
    class Meta:
        model = Member
        fields = ["kind", "name", "orgnr", "joined", "left", "sort_order"]


class PersonForm(VersionedForm):
    class Meta:
        model = Person
        fields = ["name", "title", "organisation", "email", "phone"]


class AppointmentForm(VersionedForm):
    class Meta:
        model = Appointment
        fields = ["person", "role", "appointed_by", "start", "end"]

    def __init__(self, *args, association: Association, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(association=association)
        self.fields["appointed_by"].queryset = Member.objects.filter(association=association)
        self.fields[
            "appointed_by"
        ].help_text = "Den medlem som utsett ledamoten, ersättaren eller revisorn."


# MunicipalShare.weight is max_digits=14, decimal_places=4: ten digits before the comma.
MAX_WEIGHT = Decimal("9999999999")
MAX_WHOLE_KRONOR = MAX_AMOUNT.to_integral_value(rounding=ROUND_DOWN)


class AllocationForm(BoundedForm, forms.Form):
    """The year's state allocation and one key weight per municipality."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    year = forms.IntegerField(label="År", min_value=2004, max_value=2100)
    # The contributions are whole kronor, so the state amount rounded must stay in bounds.
    amount = AmountField(
        label="Statens bidrag (kr)",
        help_text="Hälften av förbundets medel.",
        max_value=MAX_WHOLE_KRONOR,
    )
    decided_on = forms.DateField(label="Beslutsdatum", required=False, widget=DateInput())
    key_basis = forms.ChoiceField(label="Fördelningsnyckel", choices=StateAllocation.KEY_BASES)
    note = forms.CharField(label="Anmärkning", required=False, max_length=300)

    def __init__(
        self, *args, municipalities: list[Member], fixed_year: int | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.municipalities = municipalities
        self.fixed_year = fixed_year
        if fixed_year is not None:
            # An existing allocation keeps its year: the field travels hidden (so the
            # live preview knows the year) and whatever is posted is ignored.
            self.fields["year"].widget = forms.HiddenInput()
            self.fields["year"].required = False
            self.initial["year"] = fixed_year
        for member in municipalities:
            self.fields[f"weight_{member.id}"] = WeightField(
                label=member.name, required=False, min_value=0, max_value=MAX_WEIGHT
            )

    def full_clean(self):
        # Marked after validation: reading self.errors in __init__ would validate the
        # form before its fields are complete.
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self.fields[name].widget.attrs["aria-describedby"] = f"{name}-error"

    def clean_year(self):
        if self.fixed_year is not None:
            return self.fixed_year
        return self.cleaned_data.get("year")

    def head_fields(self):
        return [self[name] for name in ("year", "amount")]

    def other_fields(self):
        return [self[name] for name in ("decided_on", "key_basis", "note", "version")]

    def weight_fields(self):
        return [self[f"weight_{m.id}"] for m in self.municipalities]

    def weights(self) -> dict[int, object]:
        return {
            m.id: self.cleaned_data[f"weight_{m.id}"]
            for m in self.municipalities
            if self.cleaned_data.get(f"weight_{m.id}") is not None
        }

    def clean(self):
        cleaned = super().clean()
        no_weight = not any(cleaned.get(f"weight_{m.id}") for m in self.municipalities)
        weight_errors = any(f"weight_{m.id}" in self.errors for m in self.municipalities)
        if self.municipalities and no_weight and not weight_errors:
            raise ValidationError("Ange minst en kommuns andel i fördelningsnyckeln.")
        return cleaned
