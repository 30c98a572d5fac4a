"""The import's stages one at a time: read → reconcile → map (the four rules)."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest

from budgets import ledger, services
from budgets.models import BudgetLine
from budgets.sie_chart import BAS, KOMMUNBAS, category_group, result_category
from budgets.sie_mapping import Mapper, normalized, split_ore
from budgets.sie_reconcile import (
    ImportRefused,
    check_orgnr,
    check_year,
    read_file,
    reconcile,
)

FILE = """\
#FLAGGA 0
#FORMAT PC8
#SIETYP 4
#FNAMN "Testbygden"
#ORGNR {orgnr}
#RAR 0 20250101 20251231
#KPTYP KOMMUNBAS
#DIM 6 "Projekt"
#OBJEKT 6 "P7" "Unga  i arbete"
#KONTO 1930 "Bank"
#KONTO 3011 "Driftbidrag från staten"
#KONTO 4610 "Köp av huvudverksamhet"
#KONTO 6410 "Styrelsearvoden"
#UB 0 1930 {cash}
#RES 0 4610 {res}
#PSALDO 0 202503 6410 {{}} 300.00
#VER A 1 20250110 "Bidrag"
{{
#TRANS 1930 {{}} 1000.00
#TRANS 3011 {{}} -1000.00
}}
#VER A 2 20250311 "Köp"
{{
#TRANS 4610 {{6 "P7"}} 400.00
#TRANS 4610 {{}} 100.00
#TRANS 6410 {{}} 300.00
#TRANS 1930 {{}} -800.00
}}
"""


def read(orgnr="222000-1974", cash="200.00", res="500.00"):
    text = FILE.format(orgnr=orgnr, cash=cash, res=res)
    return read_file(io.BytesIO(text.encode("cp437")), "t.se")


def test_read_sums_result_accounts_per_object_and_month():
    done = read()
    assert len(done.sha256) == 64
    assert dict(done.result_moves) == {
        ("3011", None, 1): D(-1000),
        ("4610", "P7", 3): D(400),
        ("4610", None, 3): D(100),
        ("6410", None, 3): D(300),
    }
    assert dict(done.balance_moves) == {"1930": D(200)}
    assert (done.earliest.number, done.latest.number) == ("1", "2")


def test_check_year_and_orgnr(association):
    done = read()
    assert check_year(done, None) == 2025
    with pytest.raises(ImportRefused, match="du läser in för 2024"):
        check_year(done, 2024)
    assert check_orgnr(done, association) == ""
    with pytest.raises(ImportRefused, match="222000-2824"):
        check_orgnr(read(orgnr="222000-2824"), association)
    finding = check_orgnr(read(orgnr='""'), association)
    assert "Samordningsförbundet Testbygden (222000-1974)" in finding


def test_reconcile_takes_psaldo_where_the_file_has_it_and_checks_res_and_ub():
    done = reconcile(read(), 2025)
    assert done.per_account == {"3011": D(-1000), "4610": D(500), "6410": D(300)}
    assert done.source("6410") == "#PSALDO" and done.source("4610") == "verifikationerna"
    assert done.closing == {"1930": D(200)}
    with pytest.raises(ImportRefused) as info:
        reconcile(read(res="450.00", cash="250.00"), 2025)
    assert [(m.account, m.tag, m.stated, m.computed) for m in info.value.mismatches] == [
        ("4610", "#RES", D(450), D(500)),
        ("1930", "#UB", D(250), D(200)),
    ]


def test_the_chart_gives_category_and_group():
    assert result_category("4610", KOMMUNBAS)[0] == "insatser"
    assert result_category("4610", BAS)[0] == "tjanster"
    assert result_category("8999", BAS)[0] == "arets_resultat"
    assert result_category("9999", BAS)[0] is None
    assert category_group("intakt", name="Medlemsbidrag", income=True) == BudgetLine.CONTRIBUTION
    assert category_group("intakt", name="Försäljning", income=True) == BudgetLine.OTHER_INCOME
    assert category_group("insatser", name="", income=False) == BudgetLine.INSATS
    assert category_group("finansiellt", name="", income=False) == BudgetLine.FINANCIAL_COST


def test_split_to_the_ore_sums_exactly():
    parts = split_ore(D("100.00"), [D(1), D(1), D(1)])
    assert parts == [D("33.34"), D("33.33"), D("33.33")]
    assert split_ore(D("-0.05"), [D(2), D(3)]) == [D("-0.02"), D("-0.03")]
    assert normalized(" Unga  I arbete ") == "ungaiarbete"


def _line(association, group, name, **extra):
    return services.budget_line_save(
        association=association, data={"group": group, "name": name, **extra}
    )


def test_the_rules_in_order(association):
    from insatser.models import Insats
    from insatser.services import insats_save

    insats = insats_save(
        association=association,
        data={"name": "Unga i arbete", "code": "UNGA", "kind": Insats.INDIVID},
    )
    young = _line(association, BudgetLine.INSATS, "Unga i arbete", insats=insats)
    board = _line(association, BudgetLine.ADMINISTRATION, "Styrelse")
    state = _line(association, BudgetLine.CONTRIBUTION, "Staten", state=True)
    mapper = Mapper(association, read().sie, 2025)
    # rule 2: the object's name is the insats's, spaces and case aside
    assert (
        mapper.result("4610", "P7", D(500)).line,
        mapper.result("4610", "P7", D(500)).rule,
    ) == (young, 2)
    # rule 3: the account's name
    assert (
        mapper.result("6410", None, D(300)).line,
        mapper.result("6410", None, D(300)).rule,
    ) == (board, 3)
    assert mapper.result("3011", None, D(-1000)).line == state
    # rule 4: the group's "ej fördelat" line, missing here
    rest = mapper.result("4610", None, D(500))
    assert (rest.line, rest.rule, rest.missing) == (None, 4, "Insatser, ej fördelat")
    # rule 1 before all: a saved mapping for the object, then for the account
    ledger.project_mapping_save(association=association, code="P7", line=board)
    ledger.account_mapping_save(association=association, account="4610", line=board)
    mapper = Mapper(association, read().sie, 2025)
    assert mapper.result("4610", "P7", D(500)).how == "regel 1: förbundets mappning för projekt P7"
    assert mapper.result("4610", None, D(500)).how == "regel 1: förbundets mappning"


def test_map_results_books_each_month_by_the_rules(association):
    _line(association, BudgetLine.CONTRIBUTION, "Staten", state=True)
    board = _line(association, BudgetLine.ADMINISTRATION, "Styrelse")
    unassigned = _line(association, BudgetLine.INSATS, "Insatser, ej fördelat")
    done = read()
    plan = ledger._new_plan(association, done, 2025)
    ledger.map_results(plan, reconcile(done, 2025), Mapper(association, done.sie, 2025))
    assert plan.actuals[(board.id, 3)] == D(300)
    assert plan.actuals[(unassigned.id, 3)] == D(500)  # P7 has no insats here
    assert [f.split(":")[0] for f in plan.findings] == [
        "Konto 4610 Köp av huvudverksamhet",
        "Konto 4610 Köp av huvudverksamhet, projekt P7 ”Unga  i arbete”",
    ]
