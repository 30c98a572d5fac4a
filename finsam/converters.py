"""Path converters shared by every app's URLs."""

from __future__ import annotations

FIRST_YEAR = 2000
LAST_YEAR = 2100


class YearConverter:
    """A year in a URL: four digits from 2000 to 2100; anything else does not match (404).

    Without it `/…/bokslut/0/` or `/…/budget/99999/` would reach the views and create
    fiscal years, forecasts and texts for years nobody means.
    """

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"year {year} outside {FIRST_YEAR}–{LAST_YEAR}")
        return year

    def to_url(self, value: int | str) -> str:
        # Reversing never fails (a link to year 2101 from the 2100 budget's plan years
        # must not break a page); following such a link answers 404.
        return str(int(value))
