"""What each source document (/work/shared/seeds) prints, for the fidelity tests:
its chapters in order (as our document titles them) and its figures next to their
labels, in the unit our document prints them. Figures the seed prints that the
arithmetic contradicts are listed under `differs`, with the reason, and are not
looked for."""

from __future__ import annotations

SEEDS = {
    # arsredovisning-2024-vastmanland.txt
    "004": {
        "association": "vastmanland",
        "document": "arsredovisning",
        "year": 2024,
        "headings": [
            "har ordet",
            "1 Förvaltningsberättelse",
            "Vision:",
            "1.1 Översikt över verksamhetens utveckling",
            "1.2 Viktiga förhållanden för resultat och ekonomisk ställning",
            "1.3 Händelser av väsentlig betydelse",
            "1.4 Styrning och uppföljning",
            "Styrdokument",
            "1.5 God ekonomisk hushållning, måluppfyllelse",
            "Målgrupper och behov",
            "Indikatorer Finsam",
            "Strukturpåverkande insatser",
            "Balanskravsresultat",
            "1.6 Väsentliga personalförhållanden",
            "1.7 Förväntad utveckling",
            "2 Resultaträkning",
            "3 Balansräkning",
            "4 Kassaflödesanalys",
            "5 Driftredovisning",
            "6 Noter",
            "Not 1. Redovisningsprinciper",
            "Not 2. Verksamhetens intäkter",
            "Not 3. Verksamhetens kostnader",
            "Not 4. Fordringar",
            "Not 5. Kortfristiga placeringar",
            "Not 6. Eget kapital",
            "Not 7. Kortfristiga skulder",
            "7 Styrelsens underskrifter",
            "8 Revisorernas underskrifter",
        ],
        "figures": [
            # 1.1 in tkr, newest year first
            ("Verksamhetens intäkter (tkr)", "19 043 7 130 7 331 7 055 7 046"),
            ("Verksamhetens kostnader (tkr)", "-19 147 -7 921 -7 461 -7 078 -6 798"),
            ("Årets resultat (tkr)", "82 -712 -173 -35 248"),
            ("Soliditet (%)", "47,6 15,7 38,3 40,8 42,5"),
            ("Antal anställda", "3 1 1 1 1"),
            # 1.5: budgeted result -1 945 tkr, kronor here
            ("Årets resultat", "81 778 -1 945 000"),
            ("Individinsatser", "66 66"),
            ("Processtöd", "10 7 8"),
            # 87 % = individ + struktur + processtöd (16 711 326) of the operating costs
            # (19 147 198), i.e. all but administration; of the income it would be 88 %
            ("processtöd (allt utom administration), utgjorde", "87 % av verksamhetens kostnader"),
            # Målgrupp individinsatser and the follow-up of them (the seed's charts
            # lost their figures; these are the ones its text prints)
            ("De sex individinsatserna arbetade under året med", "307 deltagare, och 132"),
            (
                "hade haft offentlig försörjning i mer än",
                "4 år innan de började, och 2 av 10 i mer än 9 år",
            ),
            ("tid i offentlig försörjning före insatsen gäller", "183 kvinnor och 99 män"),
            ("Den största åldersgruppen var", "30–44 år"),
            ("Av de 29 som gick vidare till arbete eller studier hade", "4 haft"),
            ("offentlig försörjning i mer än 9 år och", "5 i 7–9 år"),
            ("i genomsnitt deltagit i insatsen i", "1 år och 2 månader"),
            ("Individinsatser Uppnått", "53 %"),
            # Indikatorer Finsam
            # Strukturpåverkande insatser: RMGT's staffing, Dejt, Inkluderingslyftet
            (
                "Bemanning:",
                "1 rådgivare från Arbetsförmedlingen (40 %), 1 rådgivare från "
                "Försäkringskassan (40 %), 1 rådgivare från Region Västmanland (40 %), "
                "1 rådgivare från Västerås stads socialtjänst (40 %)",
            ),
            ("Under 2024 hölls", "30 sådana möten"),
            (
                "Samordningsförbundet Centrala Östergötland äger och där",
                "8 samordningsförbund, 4 regioner och 38 kommuner",
            ),
            ("Indikatorer för finansiell samordning, som har", "16 indikatorer, 14 av dem"),
            ("Av de fem svarandegrupperna redovisas", "tre"),
            ("jämförs för åren", "2020, 2022 och 2024"),
            ("Mätningen omfattade", "180 enkäter"),
            ("samlades in mellan", "2023-11-01 och 2024-10-30"),
            # printed in tkr by the seed (81,8 -729,9; 0,0 -18,0), in kr here as every
            # other statement
            ("Balanskravsresultat", "81 778 -729 906"),
            ("Avgår samtliga realisationsvinster", "0 -17 953"),
            # 2 Resultaträkning
            ("Verksamhetens intäkter", "19 042 563 7 130 004"),
            ("Verksamhetens kostnader", "-19 147 198 -7 920 863"),
            ("Verksamhetens resultat", "-104 635 -790 859"),
            ("Finansiella intäkter", "246 567 107 086"),
            ("Finansiella kostnader", "-60 154 -28 180"),
            ("Resultat efter finansiella poster", "81 778 -711 953"),
            # 3 Balansräkning
            ("Kassa och bank", "8 197 546 2 349 178"),
            ("Summa omsättningstillgångar", "8 463 907 2 718 646"),
            ("Övrigt eget kapital", "3 946 708 1 139 518"),
            ("Avsättningar för pensioner", "981 654 485 857"),
            ("Summa eget kapital, avsättningar och skulder", "8 463 907 2 718 646"),
            ("Ansvarsförbindelser", "Inga Inga"),
            # 4 Kassaflödesanalys
            ("Justering för ej likviditetspåverkande poster", "495 797 254 733"),
            ("Kassaflöde från den löpande verksamheten", "2 329 225 -549 844"),
            ("Kassaflöde från finansieringsverksamheten", "3 519 143"),
            ("Årets kassaflöde", "5 848 368 -549 844"),
            ("Likvida medel vid årets början", "2 349 178 2 899 022"),
            # 5 Driftredovisning (tkr)
            ("Samordningsteam Västerås", "-5 832 -5 832"),
            # Noter
            ("Staten (AF+FK)", "9 519 000 3 515 000"),
            ("Region Västmanland", "4 759 500 1 757 500"),
            ("Kundfordringar", "3 000 130 058"),
            ("Summa kortfristiga fordringar", "266 361 369 468"),
            ("Kapitaltillskott från nya förbundsmedlemmar", "3 519 143"),
            ("Utgående eget kapital", "4 028 486 427 565"),
            ("Övriga upplupna kostnader", "2 654 378 1 222 041"),
            # Not 5, the 2023 column (sold during 2023)
            ("Anskaffningsvärde", "– 900 000"),
            ("Värdereglering", "– -15 797"),
            ("Försäljning", "– -884 203"),
            ("Summa kortfristiga placeringar", "0 0"),
            # 5 Driftredovisning: the other income with the administration, on the
            # Kansli row (Övriga intäkter reported under Kansli + bilkonto)
            ("Summa intäkter", "19 038 0 19 038 19 038 0 19 038 0 7 030"),
            ("Kansli + bilkonto", "5 -1 757 -1 752 0 -2 244 -2 244 492"),
            ("Summa administrativa kostnader", "5 -2 436 -2 431 0 -2 850 -2 850 419"),
        ],
        "differs": {
            "Kassaflöde från finansieringsverksamheten 6": "extraction lost the figure; "
            "the capital contribution 3 519 143 is what balances the cash flow",
            "Kostnadsfördelning utfall 2023 69 % and 19 %": "the 2023 costs give 68,0 % "
            "individinsatser and 19,7 % administration (rounded to sum 100: 68 and 20)",
            "eget kapital 21 %": "4 028 486 / 19 037 999 = 21,2 %",
            "Tid i offentlig försörjning KVINNOR (n=183), MÄN (n=99)": "183 + 99 = 282 of "
            "the 307 participants; the seed does not say who the charts leave out",
            "Per-team participants, reasons for ending per team, source of support, time "
            "in support per interval, support before/after, indicator answers per "
            "question, RMGT answers, bilaga 1 and 2": "charts and appendices whose "
            "figures are not in the seed's text; the demo holds none of them",
        },
    },
    # arsredovisning-2020-vasteras.txt
    "002": {
        "association": "vasteras",
        "document": "arsredovisning",
        "year": 2020,
        "headings": [
            "har ordet",
            "1 Förvaltningsberättelse",
            "Verksamhetsidé och vision",
            "Vision:",
            "1.1 Översikt över verksamhetens utveckling",
            "1.2 Viktiga förhållanden",
            "1.3 Händelser av väsentlig betydelse",
            "1.4 Styrning och uppföljning",
            "1.5 God ekonomisk hushållning",
            "Kostnadsfördelning 2020, andel av verksamhetens intäkter",
            # "Uppföljning av verksamheten": the plan's goals, ticked off one by one
            "Måluppfyllelse 2020",
            "Målgrupper och behov",
            "Målgrupperna är",
            "samma behov",
            "Uppföljning av individinsatser",
            "Strukturpåverkande insatser",
            "Balanskravsresultat",
            "2 Resultaträkning",
            "3 Balansräkning",
            "4 Kassaflödesanalys",
            "5 Driftredovisning",
            "6 Noter",
            "Not 1. Redovisningsprinciper",
            "7 Styrelsens underskrifter",
            "8 Revisorernas underskrifter",
        ],
        "figures": [
            # 1.1, printed in kronor by the seed, in tkr here (LKBR)
            ("Verksamhetens intäkter (tkr)", "13 310 13 392 14 179 14 738 15 138"),
            ("Verksamhetens kostnader (tkr)", "-13 123 -12 116 -12 739 -13 330 -12 351"),
            ("Årets resultat (tkr)", "187 1 276 1 439 1 408 2 787"),
            ("Antal anställda", "0 0 0 0 0"),
            # 1.5: outcome against budget (the seed's driftredovisning summary)
            ("Verksamhetens kostnader", "-13 122 674 -16 458 000 3 335 326"),
            ("Årets resultat", "187 326 -3 148 000 3 335 326"),
            ("Eget kapital vid årets slut", "8 241 303 4 905 977"),
            # cost shares of the income, as the seed computes them
            ("Administration", "1 437 147 11"),
            ("Individinsatser", "9 661 477 73"),
            ("Strukturella insatser", "2 024 050 15"),
            # goal follow-up: target, outcome and assessment as the seed reports them
            (
                "Det egna kapitalet är högst 20 % av de budgeterade medlemsbidragen.",
                "Finansiella mål 20 % 61,9 % Ej uppnått",
            ),
            (
                "Samordningsteam Västerås arbetar efter den särskilda inriktning som "
                "verksamhetsplanen ger teamet för 2020.",
                "Individinsatser Delvis uppnått",
            ),
            ("Av de 44 som räknas gick", "18 % till arbete eller studier och 36 %"),
            (
                "Målinriktning 1: en kultur av samverkan och ett helhetstänkande kring individen",
                "Övrig samverkan Uppnått",
            ),
            (
                "Målinriktning 2: en struktur för samordning och utveckling byggs upp.",
                "Struktur och organisation Uppnått",
            ),
            (
                "Målinriktning 3: myndigheterna får stöd i nya arbetssätt och metoder i "
                "samverkan, i en gemensam resultatredovisning och i att främja samverkan.",
                "Metoder och arbetssätt Uppnått",
            ),
            (
                "Lokala utbildningar i lösningsfokuserat arbetssätt (LF) ges för parternas",
                "Metoder och arbetssätt Uppnått",
            ),
            (
                "De strukturpåverkande insatserna når 333 deltagare inom en budget på 2 100 000 kr.",
                "333 deltagare 330 deltagare Uppnått",
            ),
            ("15 insatser kostade", "1 972 971 kr"),
            ("Eget kapital 8 241 303 kr mot medlemsbidrag", "13 310 000 kr"),
            # participants of Samordningsteam Västerås
            ("Samordningsteam Västerås", "48 37 85 47 49 36 8 18,2"),
            ("Verksamhetens intäkter", "13 310 000 13 392 000"),
            ("Årets resultat", "187 326 1 276 476"),
            ("Fordringar", "371 691 608 239"),
            ("Kassa och bank", "11 352 229 10 251 045"),
            ("Summa tillgångar", "11 723 920 10 859 284"),
            ("Summa eget kapital", "8 241 303 8 053 977"),
            ("Kortfristiga skulder", "3 482 617 2 805 307"),
            ("Ökning (−)/minskning (+) kortfristiga fordringar", "236 548"),
            ("Ökning (+)/minskning (−) kortfristiga skulder", "677 310"),
            ("Årets kassaflöde", "1 101 184"),
            ("Samordningsteam Västerås 2020", "-7 384 060 -7 943 000 558 940"),
            # 5 Driftredovisning (tkr): JobbFokus 2.0 and SIM on one row each
            ("JobbFokus 2.0", "0 -2 277 -2 277 0 -3 713 -3 713 1 436 -2 280"),
            ("Studie främjande psykisk hälsa/SIM", "0 -647 -647 0 -660 -660 13"),
            # Kostnadsfördelning: budget − utfall in kr and in % of the budget
            ("Individinsatser", "9 661 477 73 11 656 000 1 994 523 17"),
            ("Strukturella insatser", "2 024 050 15 3 337 000 1 312 950 39"),
            ("Administration", "1 437 147 11 1 465 000 27 853 2"),
            ("Summa verksamhetens kostnader", "13 122 674 99 16 458 000 3 335 326 20"),
        ],
        "differs": {
            "Soliditet 70 % and 74 %": "printed whole; 70,3 % and 74,2 % here",
            "Budgeterat eget kapital 4 906 tkr": "8 053 977 - 3 148 000 = 4 905 977 kr",
            "Strukturinsatser 330 deltagare": "the goal follow-up counts 330 (SUS); the "
            "activities the seed lists add up to 352, which the activity table prints",
        },
    },
    # vp-2022-vasteras.txt
    "001": {
        "association": "vasteras",
        "document": "verksamhetsplan",
        "year": 2022,
        "headings": [
            "Bakgrund och vision",
            "Behov och målgrupper",
            "Mål",
            "Planerade insatser",
            "Samordningsteam Västerås",
            "Myndighetsgemensamt team (MGT)",
            "Insatskatalogen",
            "GrönKvist",
            "Budget",
            "Resultatbudget 2022",
            "Kassaflödesbudget",
            "Balansbudget",
            "Bilaga 1 Årshjul",
            "Bilaga 2 Risk- och konsekvensanalys",
        ],
        "figures": [
            ("Samordningsteam", "7 306 5 000 6 700 7 000"),
            ("Spira", "3 588 3 000 1 919"),
            ("SIM", "1 617 1 600 925"),
            ("Kansli", "129 140 200 200"),
            ("Löner och arvoden", "1 281 1 126 1 400 1 450"),
            ("Kompetenshöjande lokala", "800 3 000 1 000 800"),
            ("Summa medlemsbidrag", "13 310 13 310 13 310 10 996 10 996 10 996"),
            # Budget 2021 and the forecast 2021 beside the bokslut 2020 and the plan
            ("Summa kostnader", "13 123 18 445 14 346 16 044 13 840"),
            ("Årets resultat", "187 -5 135 -1 036 -5 048 -2 844"),
            # the seed's "Eget kapital" row, at the end of each year (printed 7 206 000
            # and 2 149 150: see differs)
            ("Eget kapital vid årets slut", "8 241 3 106 7 206 2 158 -686"),
            ("Budget 2022", "6 700 tkr"),
            ("förbundet ordnar (samma person kan räknas flera gånger)", "400 deltagare"),
            ("har 80 % tagit ett steg", "80 %"),
            ("efter 18 månader 90 %", "90 %"),
            ("Prognos", "8 241 303 -1 035 662 7 205 641"),
            ("Budget", "7 205 641 -5 048 000 2 157 641"),
        ],
        "absent": ["samlad uppföljning i SUS", "13 310 000 +", "10 996 000 +"],
        "differs": {
            "Eget kapital 2022 2 149 150": "the seed adds the 2022 income as 10 990 000 "
            "(its lines give 10 996 000) and costs as 16 046 850 (its lines 16 044 000) "
            "to 7 206 000; the arithmetic gives 2 157 641",
            "Totalt utgifter 2021 18 506 000": "its lines sum to 18 445 000",
            "Individinsatser 2022 11 594 000": "its insatser sum to 11 444 000; the 150 000 "
            "is a line of its own",
        },
    },
    # vp-budget-2021-vastra-malardalen.txt
    "000": {
        "association": "vastra-malardalen",
        "document": "verksamhetsplan",
        "year": 2021,
        "headings": [
            "Inledning",
            "Bakgrund och vision",
            "Behov och målgrupper",
            "Mål",
            "Planerade insatser",
            "ESF-Unga SKU",
            "Budget",
            "Resultatbudget 2021",
            "Kassaflödesbudget",
            "Balansbudget",
        ],
        "figures": [
            ("Summa medlemsbidrag", "3 000 3 000 3 000 3 000 3 000"),
            ("Summa verksamhetens kostnader", "1 206 863 1 034 1 014 1 024"),
            # The seed's "Summa kostnader insats" (1 896, 2 137, 1 966, 1 986, 1 976)
            # includes Sökbara medel, which the plan shows as ofördelade medel.
            ("Summa kostnader insatser", "1 896 1 682 1 397 1 157 1 067"),
            ("Sökbara medel", "455 569 829 909"),
            ("Summa kostnader", "3 102 3 000 3 000 3 000 3 000"),
            ("Årets resultat", "-102 0 0 0 0"),
            ("Eget kapital vid årets slut", "418 418 418 418 418"),
            ("ESF-Unga SKU", "250 250 250"),
            # a 0 where the seed prints 0, never a dash
            ("Processtödjare", "0 381 410 420 430"),
            ("Ombyggnad hemsida, ny plattform", "0 0 30 0 0"),
            ("LF och ensamkommandes hälsa", "637 0 0 0 0"),
            ("Dans för hälsa", "20 0 0 0 0"),
            ("Självutvärderingar", "0 0 40 40 40"),
            ("Ökning (−)/minskning (+) kortfristiga", "-122,7 163,6 0,0 0,0 0,0"),
            ("Ökning (+)/minskning (−) kortfristiga", "-206,7 -416,2 0,0 0,0 0,0"),
            ("Årets kassaflöde", "-430,9 -252,6 0,0 0,0 0,0"),
            ("Likvida medel vid årets slut", "670,2 417,6 417,6 417,6 417,6"),
            ("Fordringar", "164 0 0 0 0"),
            ("Kassa och bank", "670 418 418 418 418"),
            ("Summa tillgångar", "834 418 418 418 418"),
            ("Eget kapital", "418 418 418 418 418"),
            ("Kortfristiga skulder", "416 0 0 0 0"),
        ],
        "absent": ["målet 2023", "NPF, IF och kognitiva stöd", "Självskadeteam ("],
        "differs": {
            "Årets resultat 2019 101,6 (kassaflödesbudget)": "a loss: -101,6",
            "Likvida medel vid årets början 2019 110,1": "extraction lost a digit: 1 101,1",
        },
    },
    # vp-budget-2023-vastra-malardalen.txt
    "003": {
        "association": "vastra-malardalen",
        "document": "verksamhetsplan",
        "year": 2023,
        "headings": [
            "Inledning",
            "Mål",
            "Planerade insatser",
            "Budget",
            "Resultatbudget 2023",
            "Eget kapital under budgetperioden",
            "Balansbudget",
        ],
        "figures": [
            ("Summa medlemsbidrag", "3 000"),
            ("Årets resultat", "738 -880 -602 -447"),
            ("Eget kapital vid årets slut", "1 348 468 746 299"),
            ("Fordringar", "33 0 0 0"),
            ("Kassa och bank", "1 798 468 746 299"),
            ("Eget kapital", "1 348 468 746 299"),
            ("Kortfristiga skulder", "483 0 0 0"),
            ("Prognos", "1 348 000 -602 000 746 000"),
            ("Budget", "746 000 -447 000 299 000"),
        ],
        "differs": {
            "Budget 2022 resultat -874 and eget kapital 474": "its lines give -880, so 468",
        },
    },
}
