"""Form pieces shared by every app."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core import validators

from finsam import money
from finsam.validators import LONG_TEXT_MAX, SHORT_TEXT_MAX, PlainTextValidator


class AmountInput(forms.TextInput):
    """A text input (not type=number) so that '1 500 000,50' can be typed."""

    def __init__(self, attrs=None):
        base = {"inputmode": "decimal", "autocomplete": "off", "class": "amount"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int):
            return money.format_input(value)
        return super().format_value(value)


def strip_percent(value):
    """'50 %', '50,0 %', '50%' (a pasted no-break space included) → '50', '50,0': a
    percentage is typed as the application prints it."""
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            return text[:-1].rstrip(" \u00a0\u202f\t")
    return value


class PercentField(forms.DecimalField):
    """A percentage: 50, 50 %, 50,0 %, 12,5."""

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 100)
        super().__init__(**kwargs)
        # No percent sign in the message: Django formats it with the value (NaN) as
        # "%"-parameters, and a lone "%" would then break the page.
        self.error_messages["invalid"] = "Ange en procentsats, till exempel 50 eller 12,5."
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def widget_attrs(self, widget):
        # A text box, so that "50 %" can be typed (a number box refuses it).
        attrs = super().widget_attrs(widget)
        for name in ("min", "max", "step"):
            attrs.pop(name, None)
        return attrs

    def to_python(self, value):
        return super().to_python(strip_percent(value))


class AmountField(forms.Field):
    """An amount in kronor, read by the one parser every form uses."""

    widget = AmountInput

    def __init__(
        self, *, min_value: Decimal | None = None, max_value: Decimal | None = None, **kwargs
    ):
        self.min_value = min_value
        self.max_value = max_value
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        parsed = money.parse_amount(value)
        if self.min_value is not None and parsed < self.min_value:
            raise forms.ValidationError(
                f"Beloppet får inte vara lägre än {money.format_kronor(self.min_value)}.",
                code="min_value",
            )
        if self.max_value is not None and parsed > self.max_value:
            raise forms.ValidationError(
                f"Beloppet får inte vara högre än {money.format_kronor(self.max_value)}.",
                code="max_value",
            )
        return parsed

    def validate(self, value):
        if value is None and self.required:
            raise forms.ValidationError("Ange ett belopp.", code="required")


# The largest whole number every integer column holds on both databases (PostgreSQL's
# integer; SQLite would take more, PostgreSQL answers "out of range").
MAX_INTEGER = 2_147_483_647


MAX_ID = 2**63 - 1  # the largest id a row can have (BigAutoField)


def _bounded_choice(field: forms.ModelChoiceField):
    """A choice of rows refuses an id no row can have before it reaches the database
    (SQLite cannot even compare with an integer past 64 bits)."""
    original = field.clean

    def clean(value):
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            digits = str(item).strip().lstrip("-")
            # Compared by length first: Python refuses to read a number of over
            # 4 300 digits, and a posted id may be any length.
            too_long = len(digits.lstrip("0")) > len(str(MAX_ID))
            if digits.isascii() and digits.isdigit() and (too_long or int(digits) > MAX_ID):
                raise forms.ValidationError(
                    "Välj ett av alternativen i listan.", code="invalid_choice"
                )
        return original(value)

    return clean


class BoundedForm:
    """Mixin for every form of the project, so that whatever arrives gets a message on
    its field rather than a 500 from the database:

    - each text field refuses control characters (finsam.validators.PlainTextValidator)
      and has a maximum length (200 characters on one line, 20 000 in a text area,
      unless the field sets its own);
    - each integer field has an upper bound the database holds;
    - each choice of rows refuses an id no row can have.

    tests/finsam/test_text_fields.py fails for a form of the project without it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.clean = _bounded_choice(field)
                continue
            if isinstance(field, forms.IntegerField) and not isinstance(
                field, forms.DecimalField | forms.FloatField
            ):
                if field.max_value is None or field.max_value > MAX_INTEGER:
                    field.max_value = MAX_INTEGER
                    field.validators.append(validators.MaxValueValidator(MAX_INTEGER))
                    field.widget.attrs.setdefault("max", str(MAX_INTEGER))
                continue
            if not isinstance(field, forms.CharField):
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            if field.max_length is None:
                field.max_length = LONG_TEXT_MAX if multiline else SHORT_TEXT_MAX
                field.validators.append(validators.MaxLengthValidator(field.max_length))
                field.widget.attrs.setdefault("maxlength", str(field.max_length))
            if PlainTextValidator(multiline=multiline) not in field.validators:
                field.validators.append(PlainTextValidator(multiline=multiline))
