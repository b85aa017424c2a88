"""Message texts for iJw youth-care messages sent through the API."""

from __future__ import annotations

IJW: tuple[tuple[str, str, str | None], ...] = (
    (
        "iJw messages are imported for a municipality; {code} is not one",
        "iJw-berichten worden ingelezen voor een gemeente; {code} is dat niet",
        None,
    ),
    (
        "send one iJw message (.xml) or a zip of messages (.zip)",
        "stuur één iJw-bericht (.xml) of een zip met berichten (.zip)",
        None,
    ),
)
