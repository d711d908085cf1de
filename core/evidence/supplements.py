"""The evidence's supplements: harms, the changelog and the search synonyms.

Their sources are ``harms.toml``, ``changelog.toml`` and ``synonyms.toml`` beside the
statements. They travel inside the store without a schema change: each option's harms
are resolved into its ``extra`` (so an option carries the harms it shows), and the
changelog and the synonyms are JSON text under the meta keys ``changelog`` and
``synonyms``, hashed with the rest of the content.

>>> entries = changelog_entries('[{"version": "2", "date": "2026-12-01",'
...     ' "summary": "s", "changes": ["c"]}]')
>>> entries[0].version, entries[0].changes
('2', ('c',))
"""

import json
import re
from typing import Any, Final, NamedTuple

from core.evidence.terms import term_key

_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HARM_KEYS: Final = ("id", "text", "plain", "citations", "basis")


class SupplementError(ValueError):
    """A supplement source is incomplete or inconsistent (a build-time error)."""


class ChangelogEntry(NamedTuple):
    """One release of the evidence: what changed and why."""

    version: str
    date: str
    summary: str
    changes: tuple[str, ...]


class Harm(NamedTuple):
    """One harm an option may bring: a confirmed fact with its citation."""

    id: str
    text: str
    plain: str
    citations: tuple[int, ...]
    basis: str


def check_harms(harms: list[dict[str, Any]], known_refs: set[int]) -> dict[str, dict[str, Any]]:
    """The harms by id, each checked: all keys, a citation that resolves."""
    by_id: dict[str, dict[str, Any]] = {}
    for harm in harms:
        hid = harm.get("id", "?")
        if sorted(harm) != sorted(_HARM_KEYS):
            raise SupplementError(f"harms.toml: {hid}: needs exactly {', '.join(_HARM_KEYS)}")
        if not harm["citations"] or not set(harm["citations"]) <= known_refs:
            raise SupplementError(f"harms.toml: {hid}: needs citations of known references")
        if hid in by_id:
            raise SupplementError(f"harms.toml: duplicate id {hid!r}")
        by_id[hid] = {k: harm[k] for k in _HARM_KEYS}
    return by_id


def resolve_option_harms(statement: dict[str, Any], harms: dict[str, dict[str, Any]]) -> None:
    """Replace an option's harm ids by the harms themselves (in place)."""
    sid = statement["id"]
    ids = statement.get("harms")
    if not isinstance(ids, list) or not statement.get("plain_harms_note"):
        raise SupplementError(f"statements.toml: {sid}: an option needs harms and "
                              "plain_harms_note")
    missing = [h for h in ids if h not in harms]
    if missing:
        raise SupplementError(f"statements.toml: {sid}: unknown harm {missing[0]!r}")
    statement["harms"] = [harms[h] for h in ids]


def changelog_json(entries: list[dict[str, Any]], version: str) -> str:
    """The checked changelog as the JSON text the store keeps."""
    if not entries or entries[0].get("version") != version:
        raise SupplementError(f"changelog.toml: the first entry must be version {version!r}")
    rows = []
    for entry in entries:
        if not _DATE.match(str(entry.get("date", ""))) or not entry.get("summary"):
            raise SupplementError(f"changelog.toml: {entry.get('version')}: needs an ISO "
                                  "date and a summary")
        rows.append({"version": str(entry["version"]), "date": entry["date"],
                     "summary": entry["summary"], "changes": list(entry.get("changes", []))})
    versions = [r["version"] for r in rows]
    if len(set(versions)) != len(versions):
        raise SupplementError("changelog.toml: a version appears twice")
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def changelog_entries(text: str | None) -> tuple[ChangelogEntry, ...]:
    """The changelog a store carries (empty for a store built without one)."""
    if not text:
        return ()
    return tuple(ChangelogEntry(e["version"], e["date"], e["summary"], tuple(e["changes"]))
                 for e in json.loads(text))


def synonyms_json(data: dict[str, Any]) -> str:
    """The checked synonym table as the JSON text the store keeps."""
    groups = [{"terms": list(g["terms"]), "finds": list(g["finds"]), "note": g.get("note", "")}
              for g in data.get("synonym", [])]
    outside = [list(n["names"]) for n in data.get("not_covered", [])]
    silent = [list(n["names"]) for n in data.get("not_discussed", [])]
    # compared as a search compares them: "HER2-low" and "HER2 low" are one name, and
    # a second entry for it would never be reached
    seen: set[tuple[str, ...]] = set()
    for words in [g["terms"] for g in groups] + outside + silent:
        for word in words:
            key = term_key(word)
            if key in seen:
                raise SupplementError(f"synonyms.toml: {word!r} appears twice")
            seen.add(key)
    if (any(not g["terms"] or not g["finds"] for g in groups)
            or any(not n for n in outside + silent)):
        raise SupplementError("synonyms.toml: every entry needs terms and finds (or names)")
    table: dict[str, Any] = {"synonyms": groups, "not_covered": outside}
    if silent:  # (absent, the JSON is byte for byte that of the packs before it)
        table["not_discussed"] = silent
    return json.dumps(table, ensure_ascii=False, separators=(",", ":"))
