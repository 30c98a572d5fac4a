"""Every text input refuses control characters and NUL and has a maximum length."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms
from django.apps import apps

from budgets.models import BudgetLine
from finsam.forms import BoundedForm
from finsam.services import ServiceError
from insatser.models import Goal, Insats
from reporting.models import NarrativeSection
from reporting.services import narrative_save

PROJECT_APPS = ("finsam", "members", "budgets", "insatser", "reporting")


def _project_forms() -> list[type[forms.BaseForm]]:
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.iter_modules(package.__path__):
            if not module.ispkg and module.name not in ("apps", "tests"):
                importlib.import_module(f"{app}.{module.name}")
    found, stack = [], [forms.BaseForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in PROJECT_APPS and "base_fields" in dir(cls):
            found.append(cls)
    return found


def test_every_form_of_the_project_guards_its_text_fields():
    project_forms = _project_forms()
    assert len(project_forms) >= 20
    missing = [
        f"{cls.__module__}.{cls.__name__}"
        for cls in project_forms
        if not issubclass(cls, BoundedForm) and cls is not BoundedForm
    ]
    assert not missing, f"Forms without finsam.forms.BoundedForm: {missing}"


@pytest.mark.parametrize(
    "name",
    [
        "Lokal\x00hyra",
        "Lokal\x1b[31mhyra",
        "Lokal\x01",
        "Rad\nett",
        "Lokal\u202eayrh",  # right-to-left override: would display "Lokalhyra" reversed
        "Lokal\u202ahyra",
        "Lokal\u2066hyra\u2069",
    ],
)
def test_a_line_name_with_a_control_character_is_refused(kansli_client, name):
    response = kansli_client.post(
        "/testbygden/budget/poster/ny/", {"name": name, "group": BudgetLine.ADMINISTRATION}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "otillåtet tecken" in page or "Null-tecken" in page or "null" in page.lower()
    assert not BudgetLine.objects.exists()


def test_a_line_name_has_a_maximum_length(kansli_client):
    response = kansli_client.post(
        "/testbygden/budget/poster/ny/", {"name": "x" * 201, "group": BudgetLine.ADMINISTRATION}
    )
    assert response.status_code == 400
    assert "200 tecken" in response.content.decode()
    assert not BudgetLine.objects.exists()


def _goal(kansli_client, text):
    return kansli_client.post(
        "/testbygden/insatser/mal/2024/nytt/",
        {"area": Goal.AREAS[0][0], "text": text, "version": "0"},
    )


def test_a_goal_text_refuses_escape_and_keeps_line_breaks(kansli_client, association):
    response = _goal(kansli_client, "Minst 40 %\x1b till arbete")
    assert response.status_code == 400
    assert "otillåtet tecken" in response.content.decode()
    assert not Goal.objects.exists()
    response = _goal(kansli_client, "Minst 40 % till arbete\r\noch studier")
    assert response.status_code == 302
    assert Goal.objects.get().text.splitlines() == ["Minst 40 % till arbete", "och studier"]


def test_a_goal_text_has_a_maximum_length(kansli_client):
    response = _goal(kansli_client, "m" * 20_001)
    assert response.status_code == 400
    assert not Goal.objects.exists()


def test_an_insats_name_refuses_control_characters(kansli_client, association):
    response = kansli_client.post(
        "/testbygden/insatser/ny/",
        {"name": "Steget\x07", "code": "ST", "kind": Insats.INDIVID, "version": ""},
    )
    assert response.status_code == 400
    assert "otillåtet tecken" in response.content.decode()
    assert not Insats.objects.exists()


@pytest.mark.parametrize("mark", ["\u202b", "\u202d", "\u2067", "\u2068"])
def test_a_goal_text_refuses_bidirectional_controls(kansli_client, association, mark):
    response = _goal(kansli_client, f"Minst 40 % till {mark}arbete")
    assert response.status_code == 400
    assert "vänder skrivriktningen" in response.content.decode()
    assert not Goal.objects.exists()


def test_a_narrative_text_refuses_control_characters(association, kansli_user):
    with pytest.raises(ServiceError, match="otillåtet tecken"):
        narrative_save(
            association=association,
            document="verksamhetsplan",
            year=2024,
            key="inledning",
            body="Inledning\x00",
            by=kansli_user,
        )
    assert not NarrativeSection.objects.exists()


def test_the_models_of_text_fields_are_all_bounded_by_a_form():
    """Every model text column kansli types into is a CharField with max_length or a
    TextField whose form field gets the 20 000-character bound from BoundedForm."""
    for model in apps.get_app_config("insatser").get_models():
        for field in model._meta.get_fields():
            if getattr(field, "max_length", None) is None and type(field).__name__ == "CharField":
                pytest.fail(f"{model.__name__}.{field.name} has no max_length")
