"""Sizes, calendar and the parameters of the simulated world (rates, effects, distributions).

Everything the generator does is driven by the values here, and all of them are written to
``truth.json`` so that an analysis can be checked against what was put in.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

#: The monitoring window written to the files.
WINDOW_START = "2021-01-01"
WINDOW_END = "2024-12-31"
#: The simulation starts two years earlier (2019-01) so that care episodes, protection
#: measures and waiting lists that run into 2021 exist; nothing before 2021 is written
#: except the start dates of episodes still running in 2021.
SIM_START_YEAR = 2019
N_MONTHS = 72
FIRST_OUTPUT_MONTH = 24
N_HALF_YEARS = 8
N_YEARS = 4
#: Children leave the panel in the month they turn 18.
AGE_OUT_MONTHS = 216
#: Candidate programme start dates (first of a month; school-year and calendar starts).
PROGRAMME_STARTS = (
    "2022-01-01",
    "2022-04-01",
    "2022-08-01",
    "2022-10-01",
    "2023-01-01",
    "2023-03-01",
    "2023-08-01",
    "2023-09-01",
)


@dataclass(frozen=True)
class Effects:
    """Effects of a network's programme (after its start) and the background it sits in."""

    referral_relative_change: float = -0.25
    signal_relative_change: float = 0.20
    absence_change_pp: float = -1.0
    wellbeing_slope_change_per_year: float = 1.5
    referral_secular_trend_per_year: float = 0.05
    signal_secular_trend_per_year: float = 0.03
    absence_secular_trend_pp_per_year: float = 0.4
    wellbeing_secular_trend_per_year: float = -0.6
    absence_seasonality_amplitude_pp: float = 1.5
    event_seasonality_amplitude: float = 0.15

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class Rates:
    """Base rates of the child panel (per child-month unless stated otherwise)."""

    sex_probabilities: tuple[float, float, float] = (0.4975, 0.4975, 0.005)  # m, f, x
    pupils_per_primary_school: int = 230
    pupils_per_secondary_school: int = 950
    children_per_network: int = 1500
    max_networks_per_municipality: int = 24
    treated_share: float = 0.55
    network_school_share: float = 0.8
    school_move_per_year: float = 0.025
    special_at_entry: float = 0.008
    special_placement_per_month: float = 0.0003
    home_spell_per_month: float = 0.0002
    childcare_share: float = 0.5
    signal_by_age: tuple[float, float, float] = (0.0060, 0.0100, 0.0080)  # 0-3, 4-11, 12-17
    referral_by_age: tuple[float, float, float] = (0.0031, 0.0071, 0.0084)
    referral_frailty_shape: float = 1.5
    referral_leads_to_care: float = 0.92
    wait_days_median: float = 35.0
    care_months_median: float = 7.0
    residential_months_median: float = 14.0
    protection_per_month: float = 0.0004
    protection_months_median: float = 18.0
    participation_after_signal: float = 0.5
    participation_per_month: float = 0.004
    referrer_probabilities: dict[str, float] = field(
        default_factory=lambda: {
            "gemeentelijke_toegang": 0.40,
            "huisarts": 0.29,
            "jeugdarts": 0.04,
            "gecertificeerde_instelling": 0.06,
            "medisch_specialist": 0.07,
            "geen_verwijzer": 0.03,
            "rechter_ovj": 0.01,
            "school_swv": 0.07,
            "onbekend": 0.03,
        }
    )
    care_type_probabilities: dict[str, float] = field(
        default_factory=lambda: {
            "wijkteam": 0.31,
            "ambulant": 0.53,
            "daghulp": 0.05,
            "netwerk_jeugdige": 0.05,
            "pleegzorg": 0.03,
            "gezinsgericht": 0.01,
            "gesloten": 0.003,
            "overig_residentieel": 0.017,
        }
    )
    end_reason_probabilities: dict[str, float] = field(
        default_factory=lambda: {
            "volgens_plan": 0.68,
            "voortijdig_overeenstemming": 0.14,
            "voortijdig_client": 0.10,
            "voortijdig_aanbieder": 0.05,
            "voortijdig_extern": 0.03,
        }
    )
    protection_type_probabilities: dict[str, float] = field(
        default_factory=lambda: {"ots": 0.85, "voogdij": 0.08, "voorlopige_voogdij": 0.07}
    )
    care_cost_per_day_eur: dict[str, float] = field(
        default_factory=lambda: {
            "wijkteam": 18.0,
            "ambulant": 57.0,
            "daghulp": 140.0,
            "netwerk_jeugdige": 38.0,
            "pleegzorg": 110.0,
            "gezinsgericht": 390.0,
            "gesloten": 1100.0,
            "overig_residentieel": 500.0,
        }
    )
    error_share_case: float = 0.0005
    error_share_aggregate: float = 0.01

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


RESIDENTIAL = ("pleegzorg", "gezinsgericht", "gesloten", "overig_residentieel")


@dataclass(frozen=True)
class MunicipalitySeed:
    """A municipality before scaling: CBS code, name and approximate real 0-17 population."""

    code: str
    name: str
    population_0_17: int


# Approximate residents aged 0-17 (CBS, early 2020s), rounded.
REAL_MUNICIPALITIES: tuple[MunicipalitySeed, ...] = (
    MunicipalitySeed("GM0363", "Amsterdam", 150000),
    MunicipalitySeed("GM0599", "Rotterdam", 125000),
    MunicipalitySeed("GM0518", "'s-Gravenhage", 110000),
    MunicipalitySeed("GM0344", "Utrecht", 70000),
    MunicipalitySeed("GM0034", "Almere", 48000),
    MunicipalitySeed("GM0772", "Eindhoven", 40000),
    MunicipalitySeed("GM0855", "Tilburg", 40000),
    MunicipalitySeed("GM0014", "Groningen", 37000),
    MunicipalitySeed("GM0758", "Breda", 35000),
    MunicipalitySeed("GM0307", "Amersfoort", 35000),
    MunicipalitySeed("GM0394", "Haarlemmermeer", 35000),
    MunicipalitySeed("GM0392", "Haarlem", 34000),
    MunicipalitySeed("GM0200", "Apeldoorn", 33000),
    MunicipalitySeed("GM0479", "Zaanstad", 33000),
    MunicipalitySeed("GM0202", "Arnhem", 31000),
    MunicipalitySeed("GM0268", "Nijmegen", 29000),
    MunicipalitySeed("GM0796", "'s-Hertogenbosch", 29000),
    MunicipalitySeed("GM0153", "Enschede", 28000),
    MunicipalitySeed("GM0228", "Ede", 28000),
    MunicipalitySeed("GM0193", "Zwolle", 27000),
    MunicipalitySeed("GM0637", "Zoetermeer", 26000),
    MunicipalitySeed("GM0505", "Dordrecht", 26000),
    MunicipalitySeed("GM0080", "Leeuwarden", 25000),
    MunicipalitySeed("GM0361", "Alkmaar", 23000),
    MunicipalitySeed("GM0546", "Leiden", 20000),
    MunicipalitySeed("GM0983", "Venlo", 18000),
    MunicipalitySeed("GM0935", "Maastricht", 17000),
    MunicipalitySeed("GM0503", "Delft", 15000),
    MunicipalitySeed("GM0356", "Nieuwegein", 13000),
    MunicipalitySeed("GM0321", "Houten", 12000),
    MunicipalitySeed("GM0448", "Texel", 2400),
    MunicipalitySeed("GM0093", "Terschelling", 820),
    MunicipalitySeed("GM0060", "Ameland", 700),
    MunicipalitySeed("GM0096", "Vlieland", 190),
    MunicipalitySeed("GM0088", "Schiermonnikoog", 160),
)

_BY_CODE = {m.code: m for m in REAL_MUNICIPALITIES}
_NAME_HEADS = (
    "Ooster", "Wester", "Noorder", "Zuider", "Nieuw", "Oud", "Hoog", "Laag", "Groot", "Klein",
    "Berg", "Dal", "Bloem", "Linde", "Eiken", "Beuken", "Wil", "Rijn", "Maas", "Vecht",
)  # fmt: skip
_NAME_TAILS = (
    "veen", "dijk", "wolde", "horst", "broek", "dam", "hoven", "meer", "zand", "wijk",
    "burg", "rade", "loo", "sloot", "kerk", "haven", "beek",
)  # fmt: skip


def _generated_municipalities(count: int) -> list[MunicipalitySeed]:
    """Plausible, clearly synthetic municipalities GM3001.. with log-normal sizes.

    Fixed (seed-independent) so that a national run always has the same map."""
    import numpy as np

    rng = np.random.default_rng(20240517)
    sizes = np.clip(rng.lognormal(np.log(4200.0), 0.75, count), 400, 30000).round(-1)
    names = [h + t for h in _NAME_HEADS for t in _NAME_TAILS]
    order = rng.permutation(len(names))
    return [MunicipalitySeed(f"GM{3001 + i}", names[order[i]], int(sizes[i])) for i in range(count)]


@dataclass(frozen=True)
class SizeSpec:
    """A named size: which municipalities, how many children, how they group into regions."""

    name: str
    target_children: int
    municipalities: tuple[MunicipalitySeed, ...]
    n_regions: int

    @property
    def scale(self) -> float:
        """Factor on the real populations so that distinct children in the window ~ target.

        In a steady state the children present at any moment are renewed at 1/18 per year,
        so over the 4-year window distinct children = population x (1 + 4/18)."""
        total = sum(m.population_0_17 for m in self.municipalities)
        return self.target_children / (total * (1 + N_YEARS / 18))


def size_spec(name: str, n_municipalities: int | None = None) -> SizeSpec:
    """The size called ``name`` (demo, municipality, national).

    ``n_municipalities`` keeps only the first municipalities of a national run (for
    benchmarks on smaller machines); the target scales with them."""
    if name == "demo":
        munis = tuple(_BY_CODE[c] for c in ("GM0448", "GM0093", "GM0060", "GM0096"))
        spec = SizeSpec("demo", 5000, munis, 1)
    elif name == "municipality":
        spec = SizeSpec("municipality", 50000, (_BY_CODE["GM0034"],), 1)
    elif name == "national":
        munis = REAL_MUNICIPALITIES + tuple(
            _generated_municipalities(340 - len(REAL_MUNICIPALITIES))
        )
        spec = SizeSpec("national", 1_000_000, munis, 42)
    else:
        raise ValueError(f"unknown size {name!r}; use demo, municipality or national")
    if n_municipalities is not None and n_municipalities < len(spec.municipalities):
        kept = spec.municipalities[:n_municipalities]
        share = sum(m.population_0_17 for m in kept) / sum(
            m.population_0_17 for m in spec.municipalities
        )
        regions = max(1, round(spec.n_regions * n_municipalities / len(spec.municipalities)))
        spec = SizeSpec(spec.name, round(spec.target_children * share), kept, regions)
    return spec


SIZES = ("demo", "municipality", "national")
