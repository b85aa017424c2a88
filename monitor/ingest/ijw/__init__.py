"""iJw 3.2 youth-care messages (Jeugdwet berichtenverkeer) into the monitor.

::

    from monitor.ingest.ijw import import_messages, link_provider
    link_provider(session, "12345678", "JH-A")
    report = import_messages(session, "berichten.zip", municipality_code="GM0363")

:mod:`~monitor.ingest.ijw.read` reads and checks the messages against the shipped XSDs
(``xsd/``), :mod:`~monitor.ingest.ijw.codes` maps the code lists onto the catalogue,
:mod:`~monitor.ingest.ijw.derive` derives referrals, care episodes and waiting times, and
:mod:`~monitor.ingest.ijw.importer` stores one submission all or nothing.
"""

from monitor.ingest.ijw.importer import import_messages
from monitor.ingest.ijw.providers import link_provider, providers

__all__ = ["import_messages", "link_provider", "providers"]
