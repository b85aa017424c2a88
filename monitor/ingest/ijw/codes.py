"""The iJw 3.2 code lists the monitor derives from, mapped onto the catalogue's categories.

* COD327 (code verwijzer) is CBS's verwijzer list one-to-one (Beleidsinformatie Jeugd 3.2):
  the catalogue's ``referrer`` categories carry the same ``cbs_code``.
* JZ020 (productcategorie): the 2015 categories 31-38 are CBS's forms of youth care; of the
  later ones only those whose residence is unambiguous are mapped (41 dagbehandeling,
  45 ambulant: without residence; 43/44 verblijf: with residence, "overig residentieel"
  as CBS puts every residence not in its first three). The rest (crisis, ggz, maatwerk,
  landelijk ingekocht ...) says nothing about residence, and 40/42/47/48/49 are no youth
  care episode (personal care, transport, youth probation, child protection): no care
  episode is derived from those.
* JZ588 (reden beëindiging) onto CBS's reden beëindiging jeugdhulp: 31-35 directly,
  02 overlijden as CBS counts it (externe omstandigheden), 39 uitstroom naar ander domein
  as CBS asks it (continued under another law = volgens plan). 20 (tijdelijk), 36, 37 and
  38 have no CBS counterpart: the episode ends without a CBS reason.
* COD046 (geslacht) onto the monitor's m/f/x.
"""

from __future__ import annotations

#: COD327 code -> catalogue ``referrer`` category.
REFERRER = {
    "01": "gemeentelijke_toegang",
    "02": "huisarts",
    "03": "jeugdarts",
    "04": "gecertificeerde_instelling",
    "05": "medisch_specialist",
    "06": "geen_verwijzer",
    "08": "rechter_ovj",
}
#: A JW301 allocation without a preceding JW315 request: the municipality's own access.
MUNICIPAL_ACCESS = "gemeentelijke_toegang"

#: JZ020 product category -> catalogue ``care_type`` category.
CARE_TYPE = {
    "31": "wijkteam",
    "32": "ambulant",
    "33": "daghulp",
    "34": "netwerk_jeugdige",
    "35": "pleegzorg",
    "36": "gezinsgericht",
    "37": "gesloten",
    "38": "overig_residentieel",
    "41": "daghulp",
    "43": "overig_residentieel",
    "44": "overig_residentieel",
    "45": "ambulant",
}
#: JZ020 categories that are not youth care at all (no episode, no waiting time).
NOT_YOUTH_CARE = {"40", "42", "47", "48", "49"}

#: JZ588 reden beëindiging -> catalogue ``end_reason`` category (None: no CBS reason).
END_REASON: dict[str, str | None] = {
    "02": "voortijdig_extern",
    "20": None,
    "31": "volgens_plan",
    "32": "voortijdig_client",
    "33": "voortijdig_aanbieder",
    "34": "voortijdig_overeenstemming",
    "35": "voortijdig_extern",
    "36": None,
    "37": None,
    "38": None,
    "39": "volgens_plan",
}

#: COD046 geslacht -> the monitor's sex.
SEX = {"0": "x", "1": "m", "2": "f"}

#: COD467 status aanlevering (JW305, JW307): 1 eerste aanlevering, 3 verwijderen; 2
#: (gewijzigde aanlevering) and 9 may not be used (constraint CS058). A correction is a
#: 3 for the wrong record followed by a 1 with the right one.
FIRST, DELETE = "1", "3"
