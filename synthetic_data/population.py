"""The organisational world: regions, municipalities, schools, partners, networks, their
memberships over time, events (staggered programme starts) and reporting obligations.

Built up front from the structure seed; it holds no children (see :mod:`panel`), so even
the national size is small here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from synthetic_data.calendar import month_date, month_index
from synthetic_data.catalogue import (
    MUNICIPALITY_HALF_YEARLY,
    MUNICIPALITY_YEARLY,
    NETWORK_COUNTS,
    NETWORK_SELF_REPORTED,
    NETWORK_YEARLY,
)
from synthetic_data.config import PROGRAMME_STARTS, WINDOW_START, Rates, SizeSpec
from synthetic_data.identifiers import brin_codes

_SCHOOL_NAMES = (
    "De Regenboog", "Het Kompas", "De Wegwijzer", "De Vlinder", "Het Palet", "De Springplank",
    "De Zonnewijzer", "Het Baken", "De Ark", "De Sterrenkring", "De Klimop", "Het Octaaf",
    "De Fontein", "De Horizon", "Het Mozaïek", "De Tweemaster", "De Windroos", "Het Anker",
)  # fmt: skip
_VO_NAMES = ("College", "Lyceum", "Scholengemeenschap", "Campus", "Vakcollege")
_NETWORK_SUBTYPES = ("wijkteam", "ikc", "pact")
FOUNDED = (0, 19)  # networks founded January 2019 or August 2020
JOIN_LATE, LEAVE = month_index("2022-08-01"), month_index("2023-08-01")


@dataclass
class Membership:
    network: str
    member: str
    first_month: int
    end_month: int | None = None  # exclusive

    def active(self, t: int) -> bool:
        return self.first_month <= t and (self.end_month is None or t < self.end_month)


@dataclass
class Network:
    code: str
    name: str
    subtype: str
    municipality: str
    coordinator: str
    memberships: list[Membership] = field(default_factory=list)
    start_month: int | None = None

    @property
    def start_date(self) -> str | None:
        return None if self.start_month is None else month_date(self.start_month)


@dataclass
class Region:
    index: int
    name: str
    seat: str
    jgz: str
    gi: str
    ambulant: str
    residential: str
    special_school: str
    swv_po: str
    swv_vo: str
    municipalities: list[MunicipalityPlan] = field(default_factory=list)


@dataclass
class MunicipalityPlan:
    index: int
    code: str
    name: str
    population: int
    region: int
    primary: list[str]
    secondary: list[str]
    childcare: list[str]
    wijkteam: str
    networks: list[Network] = field(default_factory=list)

    @property
    def schools(self) -> list[str]:
        """Local schools in panel order: primary, secondary (the special school comes after)."""
        return self.primary + self.secondary


@dataclass
class World:
    """Everything about organisations; children are simulated per municipality later."""

    spec: SizeSpec
    regions: list[Region]
    organisations: list[dict[str, object]]
    memberships: list[Membership]
    events: list[dict[str, str]]
    obligations: list[dict[str, object]]

    @property
    def municipalities(self) -> list[MunicipalityPlan]:
        return [m for r in self.regions for m in r.municipalities]

    @property
    def networks(self) -> list[Network]:
        return [n for m in self.municipalities for n in m.networks]


def _org(code, name, kind, municipality="", brin="", subtype="") -> dict[str, object]:
    return {
        "code": code,
        "name": name,
        "kind": kind,
        "municipality": municipality,
        "brin": brin,
        "subtype": subtype,
        "population_0_17": None,
    }


def build_world(spec: SizeSpec, seed: int, rates: Rates) -> World:
    """Regions, municipalities, organisations, networks and what they do when."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
    orgs: list[dict[str, object]] = []
    regions = [_region(r) for r in range(spec.n_regions)]  # seats are set once members are known
    school_counter = 0
    for index, seed_muni in enumerate(spec.municipalities):
        region = regions[index % spec.n_regions]
        population = max(50, round(seed_muni.population_0_17 * spec.scale))
        n_po = max(1, round(0.47 * population / rates.pupils_per_primary_school))
        n_vo = max(1, round(0.33 * population / rates.pupils_per_secondary_school))
        codes = brin_codes(school_counter, n_po + n_vo)
        school_counter += n_po + n_vo
        plan = MunicipalityPlan(
            index=index,
            code=seed_muni.code,
            name=seed_muni.name,
            population=population,
            region=region.index,
            primary=codes[:n_po],
            secondary=codes[n_po:],
            childcare=[f"KO-{seed_muni.code}-{k + 1:02d}" for k in range(max(1, n_po // 4))],
            wijkteam=f"WT-{seed_muni.code}",
        )
        region.municipalities.append(plan)
        orgs.append(_org(plan.code, plan.name, "municipality"))
        for k, code in enumerate(plan.primary):
            name = f"Basisschool {_SCHOOL_NAMES[k % len(_SCHOOL_NAMES)]} {plan.name}"
            orgs.append(_org(code, name, "school", plan.code, code, "po"))
        for k, code in enumerate(plan.secondary):
            name = f"{plan.name} {_VO_NAMES[k % len(_VO_NAMES)]} {k // len(_VO_NAMES) + 1}"
            orgs.append(_org(code, name, "school", plan.code, code, "vo"))
        for k, code in enumerate(plan.childcare):
            orgs.append(
                _org(code, f"Kinderopvang {plan.name} {k + 1}", "childcare", plan.code, "", "kdv")
            )
        orgs.append(
            _org(
                plan.wijkteam,
                f"Sociaal wijkteam {plan.name}",
                "youth_care_provider",
                plan.code,
                "",
                "wijkteam",
            )
        )
    special = brin_codes(school_counter, len(regions))
    for region, special_code in zip(regions, special, strict=True):
        _finish_region(region, special_code, orgs)
    memberships: list[Membership] = []
    for region in regions:
        for plan in region.municipalities:
            _plan_networks(plan, region, rates, rng, orgs, memberships)
        memberships += _swv_memberships(region)
    networks = [n for r in regions for m in r.municipalities for n in m.networks]
    _assign_starts(networks, rates, rng)
    events = _events(networks, rng)
    obligations = _obligations(regions)
    return World(spec, regions, orgs, memberships, events, obligations)


def _region(r: int) -> Region:
    suffix = f"R{r + 1:02d}"
    return Region(
        index=r,
        name="",
        seat="",
        jgz=f"JGZ-{suffix}",
        gi=f"GI-{suffix}",
        ambulant=f"JH-{suffix}-A",
        residential=f"JH-{suffix}-V",
        special_school="",
        swv_po=f"SWV-PO-{2301 + r}",
        swv_vo=f"SWV-VO-{2301 + r}",
    )


def _finish_region(region: Region, special_code: str, orgs: list) -> None:
    largest = max(region.municipalities, key=lambda m: m.population)
    region.name, region.seat, region.special_school = largest.name, largest.code, special_code
    seat, name = largest.code, f"regio {largest.name}"
    provider, swv = "youth_care_provider", "samenwerkingsverband"
    orgs += [
        _org(region.jgz, f"GGD Jeugdgezondheidszorg {name}", "jgz", seat, "", "ggd"),
        _org(region.gi, f"Gecertificeerde instelling {name}", provider, seat, "", "gi"),
        _org(region.ambulant, f"Jeugdhulp {name}", provider, seat, "", "ambulant"),
        _org(region.residential, f"Jeugdhulp met verblijf {name}", provider, seat, "",
             "residentieel"),
        _org(special_code, f"SO/VSO De Brug {largest.name}", "school", seat, special_code, "so"),
        _org(region.swv_po, f"Samenwerkingsverband PO {name}", swv, seat, "", "po"),
        _org(region.swv_vo, f"Samenwerkingsverband VO {name}", swv, seat, "", "vo"),
    ]  # fmt: skip


def _plan_networks(plan, region, rates, rng, orgs, memberships) -> None:
    schools = plan.schools
    n_networks = int(np.clip(round(plan.population / rates.children_per_network), 1, len(schools)))
    n_networks = min(n_networks, rates.max_networks_per_municipality)
    order = rng.permutation(len(schools))
    assigned: dict[int, list[str]] = {k: [] for k in range(n_networks)}
    for rank, s in enumerate(order.tolist()):
        if rank < n_networks:
            assigned[rank].append(schools[s])
        elif rng.random() < rates.network_school_share:
            assigned[int(rng.integers(n_networks))].append(schools[s])
    for k in range(n_networks):
        subtype = _NETWORK_SUBTYPES[int(rng.integers(len(_NETWORK_SUBTYPES)))]
        code = f"NW-{plan.code}-{k + 1:02d}"
        label = {"wijkteam": "Wijkteam", "ikc": "IKC-netwerk", "pact": "PACT-team"}[subtype]
        network = Network(code, f"{label} {plan.name} {k + 1}", subtype, plan.code, plan.wijkteam)
        orgs.append(_org(code, network.name, "network", plan.code, "", subtype))
        founded = FOUNDED[int(rng.integers(2))]
        members = list(assigned[k])
        late = members[-1] if len(members) >= 2 and rng.random() < 0.3 else None
        leaving = members[0] if len(members) >= 3 and rng.random() < 0.2 else None
        for school in members:
            first = JOIN_LATE if school == late else founded
            network.memberships.append(
                Membership(code, school, first, LEAVE if school == leaving else None)
            )
        others = [plan.wijkteam, region.jgz]
        if subtype == "ikc":
            others.append(plan.childcare[k % len(plan.childcare)])
        if subtype == "pact":
            others.append(region.ambulant)
        network.memberships += [Membership(code, member, founded) for member in others]
        memberships += network.memberships
        plan.networks.append(network)


def _swv_memberships(region: Region) -> list[Membership]:
    since = month_index("2014-08-01")
    rows = []
    for swv, attr in ((region.swv_po, "primary"), (region.swv_vo, "secondary")):
        for plan in region.municipalities:
            rows += [Membership(swv, school, since) for school in getattr(plan, attr)]
        rows.append(Membership(swv, region.special_school, since))
    return rows


def _assign_starts(networks: list[Network], rates: Rates, rng: np.random.Generator) -> None:
    if not networks:
        return
    n_treated = round(rates.treated_share * len(networks))
    if len(networks) >= 2:
        n_treated = min(max(n_treated, 1), len(networks) - 1)
    order = rng.permutation(len(networks))[:n_treated]
    replace = n_treated > len(PROGRAMME_STARTS)
    starts = rng.choice(len(PROGRAMME_STARTS), size=n_treated, replace=replace)
    for network_index, start in zip(order.tolist(), starts.tolist(), strict=True):
        networks[network_index].start_month = month_index(PROGRAMME_STARTS[start])


def _events(networks: list[Network], rng: np.random.Generator) -> list[dict[str, str]]:
    events = []
    for network in networks:
        if network.start_month is not None:
            events.append(
                {
                    "organisation": network.code,
                    "date": network.start_date,
                    "kind": "programme_start",
                    "title": "Start samenwerkingsprogramma",
                    "description": "Gezamenlijke casusoverleggen school-jeugdhulp-JGZ, "
                    "ondersteuning in de klas en een vast aanspreekpunt per school.",
                }
            )
        if rng.random() < 0.3:
            events.append(
                {
                    "organisation": network.code,
                    "date": month_date(int(rng.integers(26, 70))),
                    "kind": "protocol",
                    "title": "Nieuw verwijsprotocol",
                    "description": "Afspraken over wie verwijst en hoe de school meedenkt.",
                }
            )
        if rng.random() < 0.2:
            events.append(
                {
                    "organisation": network.code,
                    "date": month_date(int(rng.integers(26, 70))),
                    "kind": "staffing",
                    "title": "Nieuwe netwerkcoördinator",
                    "description": "De coördinator van het netwerk is gewisseld.",
                }
            )
    return sorted(events, key=lambda e: (e["date"], e["organisation"], e["kind"]))


def _obligations(regions: list[Region]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []

    def add(org: str, indicators, about: str, due: int) -> None:
        rows.extend(
            {"organisation": org, "indicator": code, "about": about, "from": WINDOW_START,
             "due_days": due}
            for code in indicators
        )  # fmt: skip

    for region in regions:
        for plan in region.municipalities:
            add(plan.code, MUNICIPALITY_HALF_YEARLY, plan.code, 60)
            add(plan.code, MUNICIPALITY_YEARLY, plan.code, 90)
            for network in plan.networks:
                add(network.code, NETWORK_COUNTS + NETWORK_SELF_REPORTED, network.code, 60)
                add(network.code, NETWORK_YEARLY, network.code, 90)
    return rows
