"""Forms of set-up and access: a new association, an invitation, a role, a password."""

from __future__ import annotations

from django import forms

from finsam.forms import BoundedForm
from finsam.validators import normalize_orgnr
from members.forms import DateInput
from members.models import Association, Member, UserRole


class AssociationCreateForm(BoundedForm, forms.ModelForm):
    """The association's facts and its members: FK and AF, the region, the municipalities."""

    fk = forms.BooleanField(label="Försäkringskassan är medlem", required=False, initial=True)
    af = forms.BooleanField(label="Arbetsförmedlingen är medlem", required=False, initial=True)
    region = forms.CharField(
        label="Region", required=False, help_text="Till exempel Region Västmanland."
    )
    municipalities = forms.CharField(
        label="Kommuner",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="En kommun på varje rad, till exempel Köpings kommun.",
    )

    class Meta:
        model = Association
        fields = ["name", "short_name", "orgnr", "founded", "slug"]
        widgets = {"founded": DateInput()}
        help_texts = {
            "slug": "Förbundets del av webbadressen. Lämna tomt så görs den av namnet.",
            "orgnr": "Tio siffror, till exempel 222000-1974; kontrollsiffran prövas.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["orgnr"].required = True
        self.fields["founded"].required = True
        self.fields["slug"].required = False

    def clean_orgnr(self) -> str:
        return normalize_orgnr(self.cleaned_data["orgnr"])

    def clean_municipalities(self) -> list[str]:
        names = [n.strip() for n in self.cleaned_data["municipalities"].splitlines()]
        names = [n for n in names if n]
        if len(set(names)) != len(names):
            raise forms.ValidationError("En kommun står två gånger.")
        return names

    def members(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        chosen = [(Member.FK, "Försäkringskassan")] if data["fk"] else []
        if data["af"]:
            chosen.append((Member.AF, "Arbetsförmedlingen"))
        if data["region"].strip():
            chosen.append((Member.REGION, data["region"].strip()))
        return chosen + [(Member.KOMMUN, name) for name in data["municipalities"]]

    def data_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def _post_clean(self):
        # The service checks the row (and says which slug is taken); the form only
        # checks what was typed.
        pass


class InviteForm(BoundedForm, forms.Form):
    email = forms.CharField(
        label="E-postadress",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label="Roll", choices=UserRole.ROLES, initial=UserRole.STYRELSE)


class RoleForm(BoundedForm, forms.Form):
    role = forms.ChoiceField(label="Roll", choices=UserRole.ROLES)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AcceptForm(BoundedForm, forms.Form):
    name = forms.CharField(label="Ditt namn", max_length=200, required=False)
    password1 = forms.CharField(
        label="Välj ett lösenord",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Minst åtta tecken, inte bara siffror och inte ett vanligt lösenord.",
    )
    password2 = forms.CharField(
        label="Samma lösenord igen",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") != data.get("password1"):
            self.add_error("password2", "Lösenorden är inte lika.")
        return data
