"""What the evidence is current to, said the same way wherever its version appears.

The evidence version is a release number, not a date: the sentence says what the
evidence rests on and up to when, so nobody mistakes a recent version for recent
evidence.

>>> currency_sentence("2026.12.2", 2022).split("; ")
['Evidence 2026.12.2 rests on a source summary citing publications up to 2022', \
'later trials are not included.']
>>> plain_currency_sentence(2022).startswith("The guide behind this sheet cites studies")
True
"""

from __future__ import annotations


def currency_sentence(version: str, sources_through: int) -> str:
    """For clinicians: the About box, the result header, the summary, the CLI."""
    return (f"Evidence {version} rests on a source summary citing publications up to "
            f"{sources_through}; later trials are not included.")


def plain_currency_sentence(sources_through: int) -> str:
    """For the patient handout (reading grade 8 or lower)."""
    return (f"The guide behind this sheet cites studies published up to {sources_through}. "
            "Newer studies are not included.")
