"""Write fixtures/budgets/vasteras-2020.se, the demo SIE 4 file of Västerås 2020.

The figures are those of the annual report 2020 (notes 1-4): income per member,
costs per line, and the receivables and liabilities of both year-ends. The file has
monthly verifications against the bank account (contributions quarterly, costs
monthly) and one year-end verification moving receivables and liabilities, so that
the bank's closing balance is the reported 11 352 229. Run it again after changing a
figure: `python scripts/make_demo_sie.py`.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "budgets" / "vasteras-2020.se"

INCOME = {  # account: (name, kronor)
    "3011": ("Driftbidrag från staten", D(6655000)),
    "3012": ("Driftbidrag från Västerås stad", D(3327500)),
    "3013": ("Driftbidrag från Region Västmanland", D(3327500)),
}
COSTS = {  # account: (name, projekt object or None, kronor)
    "4611": ("Insats Samordningsteam Västerås 2020", "ST-VAS-2020", D(7384060)),
    "4612": ("Projekt JobbFokus 2.0", "JOBBFOKUS", D(2277417)),
    "4613": ("Projekt Studie främjande psykisk hälsa/SIM", "SIM", D(647373)),
    "4621": ("Insatskatalog/indikatorer", None, D(113466)),
    "4622": ("Kartläggning/utvärdering", None, D(45050)),
    "4623": ("Utvecklingsmedel", None, D(68101)),
    "4624": ("Lokala utbildningsinsatser Västerås", None, D(892460)),
    "4625": ("Länsgemensamma utbildningsinsatser", None, D(257600)),
    "6410": ("Styrelse", None, D(166809)),
    "6420": ("Kansli", None, D(1270338)),
}
PROJECTS = {
    "ST-VAS-2020": "Samordningsteam Västerås 2020",
    "JOBBFOKUS": "JobbFokus 2.0/Spira",
    "SIM": "Studie främjande psykisk hälsa (SIM)",
}
# Balance accounts: name, 2019-12-31, 2020-12-31 (debit positive).
BALANCES = {
    "1513": ("Norra Västmanlands Samordningsförbund", D(128593), D(95000)),
    "1514": ("Samordningsförbundet Västra Mälardalen", D(168806), D(0)),
    "1650": ("Skatteverket, mervärdesskatt", D(310840), D(276691)),
    "1930": ("Bank", D(10251045), None),  # closing follows from the verifications
    "2011": ("Eget kapital", D(-8053977), D(-8053977)),
    "2440": ("Leverantörsskulder", D(-428372), D(-309130)),
    "2961": ("Västerås stad, JobbFokus 2.0", D(-601653), D(-868228)),
    "2962": ("Västerås stad, Samordningsteam Västerås 2020", D(0), D(-1862386)),
    "2963": ("Region Västmanland, Studie främj psyk hälsa/SIM", D(0), D(-353000)),
    "2964": ("Vital goodsolution AB, lokala utbildn insatser", D(0), D(-51080)),
    "2965": ("Kostnader kansli", D(-17787), D(-2793)),
    "2966": ("Kostnader revision", D(-38789), D(-36000)),
    "2967": ("Västerås stad, Samordningsteam V-ås 2019", D(-1718706), D(0)),
}


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main() -> None:
    out = [
        "#FLAGGA 0",
        "#FORMAT PC8",
        "#SIETYP 4",
        '#PROGRAM "finsam demodata" 1.0',
        "#GEN 20210210",
        '#FNAMN "Samordningsförbundet Västerås"',
        "#ORGNR 222000-2824",
        "#RAR 0 20200101 20201231",
        "#RAR -1 20190101 20191231",
        "#KPTYP KOMMUNBAS",
        '#DIM 1 "Kostnadsställe"',
        '#DIM 6 "Projekt"',
    ]
    for code, name in PROJECTS.items():
        out.append(f"#OBJEKT 6 {quote(code)} {quote(name)}")
    for account, (name, *_rest) in {**BALANCES, **INCOME, **COSTS}.items():
        out.append(f"#KONTO {account} {quote(name)}")
    movements = {account: D(0) for account in BALANCES}
    vers: list[tuple[str, list[tuple[str, str | None, D]]]] = []
    for quarter in range(4):
        rows = [(a, None, -amount / 4) for a, (_, amount) in INCOME.items()]
        vers.append((f"2020{quarter * 3 + 3:02d}15", rows, "Driftbidrag kvartal"))
    for month in range(1, 13):
        rows = []
        for account, (_, project, amount) in COSTS.items():
            part = (amount / 12).quantize(D(1))
            if month == 12:
                part = amount - part * 11
            rows.append((account, project, part))
        vers.append((f"2020{month:02d}25", rows, "Fakturor"))
    year_end = [
        (a, None, closing - opening)
        for a, (_, opening, closing) in BALANCES.items()
        if closing is not None and a != "1930" and closing != opening
    ]
    vers.append(("20201231", year_end, "Bokslutsposter: fordringar och skulder"))
    for number, (day, rows, text) in enumerate(sorted(vers, key=lambda v: v[0]), 1):
        bank = -sum((amount for _, _, amount in rows), D(0))
        out.append(f"#VER A {number} {day} {quote(text)}")
        out.append("{")
        for account, project, amount in [*rows, ("1930", None, bank)]:
            objects = f"{{6 {quote(project)}}}" if project else "{}"
            out.append(f"   #TRANS {account} {objects} {amount:.2f}")
            if account in movements:
                movements[account] += amount
        out.append("}")
    for account, (_, opening, _closing) in BALANCES.items():
        out.append(f"#IB 0 {account} {opening:.2f}")
        out.append(f"#UB -1 {account} {opening:.2f}")
    for account, (_, opening, _closing) in BALANCES.items():
        out.append(f"#UB 0 {account} {opening + movements[account]:.2f}")
    for account, (_, amount) in INCOME.items():
        out.append(f"#RES 0 {account} {-amount:.2f}")
    for account, (_, _, amount) in COSTS.items():
        out.append(f"#RES 0 {account} {amount:.2f}")
    OUT.write_bytes(("\r\n".join(out) + "\r\n").encode("cp437"))
    print(f"{OUT.name}: {len(out)} rader; bank {BALANCES['1930'][1] + movements['1930']}")


if __name__ == "__main__":
    main()
