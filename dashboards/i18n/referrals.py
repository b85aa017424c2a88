"""Texts of the referrals and youth-care page, incl. the pathway (Sankey) chart."""

from __future__ import annotations

REFERRALS: dict[str, tuple[str, str]] = {
    "referrals_lead": (
        "Verwijzingen en jeugdhulpgebruik zijn tweezijdig: minder is niet vanzelf beter. "
        "Kijk samen of kinderen op tijd de juiste hulp krijgen.",
        "Referrals and care use are two-sided: less is not automatically better. Look "
        "together at whether children get the right help in time.",
    ),
    "referral_rate_title": (
        "Verwijzingen naar jeugdhulp per 1.000 kinderen, naar verwijzer",
        "Referrals to youth care per 1,000 children, by referrer",
    ),
    "referral_rate_help": (
        "Elke lijn is één soort verwijzer (huisarts, wijkteam, jeugdarts…), uitgedrukt per "
        "1.000 kinderen in het bereik. Minder verwijzingen is niet vanzelf beter: de grijze "
        "band is de afgesproken bandbreedte voor het totaal. Punten met “< 10” zijn "
        "onderdrukt.",
        "Each line is one kind of referrer (GP, neighbourhood team, youth physician…), per "
        "1,000 children in reach. Fewer referrals is not automatically better: the grey "
        "band is the agreed band for the total. Points marked “< 10” are withheld.",
    ),
    "per_1000": ("per 1.000 kinderen", "per 1,000 children"),
    "care_title": (
        "Jeugdhulp met en zonder verblijf per 1.000 kinderen",
        "Youth care with and without residence per 1,000 children",
    ),
    "care_help": (
        "Twee lijnen: jeugdhulp zonder verblijf (wijkteam, ambulant, daghulp) en met "
        "verblijf (pleegzorg, gezinshuis, residentieel), elk per 1.000 kinderen. Een "
        "verschuiving van ‘met’ naar ‘zonder’ verblijf is vaak een doel van de samenwerking.",
        "Two lines: youth care without residence (neighbourhood team, outpatient, day care) "
        "and with residence (foster care, family homes, residential), each per 1,000 "
        "children. A shift from ‘with’ to ‘without’ residence is often a goal.",
    ),
    "zonder_verblijf": ("zonder verblijf", "without residence"),
    "met_verblijf": ("met verblijf", "with residence"),
    "sankey_title": (
        "Van signaal naar hulp: kinderen met een signaal in {period}",
        "From signal to care: children with a concern signalled in {period}",
    ),
    "sankey_help": (
        "Lees van links naar rechts: kinderen over wie een zorg is gesignaleerd, door wie zij "
        "daarna zijn verwezen, welke jeugdhulp volgde en hoe die eindigde. De dikte van een "
        "stroom is het aantal kinderen. Stromen van minder dan 10 kinderen zijn weggelaten.",
        "Read from left to right: children about whom a concern was signalled, who referred "
        "them next, which youth care followed and how it ended. The width of a flow is the "
        "number of children. Flows of fewer than 10 children are left out.",
    ),
    "sankey_withheld": (
        "{n} stroom/stromen niet getekend: minder dan {t} kinderen.",
        "{n} flow(s) not drawn: fewer than {t} children.",
    ),
    "signal": ("Signaal", "Signal"),
    "stage_signaal": ("Signaal (kinderen)", "Signal (children)"),
    "stage_ref": ("Verwezen door", "Referred by"),
    "stage_care": ("Soort jeugdhulp", "Form of youth care"),
    "stage_end": ("Afloop", "Outcome"),
    "geen_verwijzing": ("Geen verwijzing", "No referral"),
    "geen_jeugdhulp": ("(Nog) geen jeugdhulp", "No youth care (yet)"),
    "loopt_nog": ("Loopt nog", "Still running"),
    "children": ("kinderen", "children"),
}
