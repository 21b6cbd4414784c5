
# Dates in tables, in every language: short and consistent ("28 nov. 2026", "28 Nov. 2026").
# Django's ``N`` is the month's agreed abbreviation ("déc.", "juin", "juil."), not a cut.
TABLE_DATE_FORMAT = "j N Y"
