"""English forms of the catalogue's units."""

from __future__ import annotations

#: English forms of the catalogue's units (monitor/data/indicators.yaml writes them in Dutch).
UNITS_EN: dict[str, str] = {
    "% van jongeren < 18 jaar": "% of young people under 18",
    "% van jongeren < 23 jaar": "% of young people under 23",
    "% van jongeren 12-22 jaar": "% of young people aged 12-22",
    "% van jongeren met jeugdhulp": "% of young people in youth care",
    "jongeren < 23 jaar": "young people under 23",
    "inwoners": "inhabitants",
    "% doelen": "% goals",
    "% leerlingen": "% pupils",
    "% per jaar": "% per year",
    "% schooldagen": "% school days",
    "1-5": "1-5",
    "EUR": "EUR",
    "bijeenkomsten": "meetings",
    "contacturen per maand": "contact hours per month",
    "dagen": "days",
    "jeugdigen": "young people",
    "kinderen": "children",
    "leerlingen": "pupils",
    "organisaties": "organisations",
    "overleggen": "consultations",
    "per 1.000 jeugdigen": "per 1,000 young people",
    "per 1.000 kinderen": "per 1,000 children",
    "schaalscore 0-100": "scale score 0-100",
    "standaardscore": "standard score",
    "trajecten": "care trajectories",
    "uren": "hours",
}
