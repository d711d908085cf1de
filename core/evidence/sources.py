"""Reading and checking the evidence sources (``resources/evidence/*.toml``).

The checks here run when the store is built, so a store can only be built from
sources that are complete: every contract id has an entry, every citation names a
reference, every cited entry quotes the source.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Final

import resources
from core.digest import sha256_of_one
from core.evidence.supplements import (
    SupplementError,
    changelog_json,
    check_harms,
    resolve_option_harms,
    synonyms_json,
)

SOURCES_DIR: Final = Path(resources.__file__).parent / "evidence"
STORE_FORMAT: Final = "hrher2-aid.evidence/1"

KINDS: Final = ("option", "plan", "caution", "outside", "scope")
SEVERITIES: Final = ("warning", "note")
STATEMENT_COLUMNS: Final = (
    "id", "kind", "ord", "severity", "title", "text", "rationale", "citations", "source", "extra",
)


class SourceError(ValueError):
    """The evidence sources are incomplete or inconsistent (a build-time error)."""


def load_sources(folder: Path = SOURCES_DIR) -> dict[str, Any]:
    """Read the TOML sources into table rows, checked and ready to insert.

    The rows hold JSON text for list fields, exactly as the store keeps them, so the
    content hash computed here and the one computed from a store agree.
    """
    import tomllib  # only building the store reads TOML; the app never pays for it

    def read(name: str) -> dict[str, Any]:
        try:
            with (folder / name).open("rb") as fh:
                return tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise SourceError(f"{name}: not valid TOML ({exc})") from None
        except OSError as exc:
            raise SourceError(f"{name}: cannot be read ({exc.strerror or exc})") from None

    def entries(name: str, table: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
        """The ``[[table]]`` entries of ``name``, each with every key in ``keys``."""
        found: list[dict[str, Any]] = read(name).get(table, [])
        for n, entry in enumerate(found, start=1):
            missing = [k for k in keys if k not in entry]
            if missing:
                which = entry.get("id", entry.get("n", f"entry {n}"))
                raise SourceError(f"{name}: {which}: missing {', '.join(missing)} (each "
                                  f"[[{table}]] needs {', '.join(keys)})")
        return found

    meta = read("meta.toml")
    refs = entries("references.toml", "reference", ("n", "short", "citation", "confidence"))
    statements = entries("statements.toml", "statement",
                         ("id", "kind", "order", "title", "text"))
    figures = entries("figures.toml", "figure", ("id", "trial", "measure", "value",
                                                 "context", "citation", "used_by"))
    if meta.get("format") != STORE_FORMAT:
        raise SourceError(f"meta.toml: format must be {STORE_FORMAT!r}")
    version = meta.get("version")
    # it names an installed pack's folder (core.evidence.install), so: a plain name
    if not isinstance(version, str) or not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z._+-]*",
                                                         version):
        raise SourceError(f"meta.toml: version must be letters, digits and . _ + - "
                          f"(got {version!r})")

    ref_rows = [
        {"n": r["n"], "short": r["short"], "citation": r["citation"],
         "confidence": r["confidence"]}
        for r in refs
    ]
    known_refs = {r["n"] for r in ref_rows}
    if len(known_refs) != len(ref_rows):
        raise SourceError("references.toml: duplicate reference number")

    try:
        harms = check_harms(read("harms.toml")["harm"], known_refs)
        for st in statements:
            if st["kind"] == "option":
                resolve_option_harms(st, harms)
        changelog = changelog_json(read("changelog.toml")["entry"], meta["version"])
        synonyms = synonyms_json(read("synonyms.toml"))
    except SupplementError as exc:
        raise SourceError(str(exc)) from None

    statement_rows = []
    seen: set[str] = set()
    core_keys = {"id", "kind", "order", "severity", "title", "text", "rationale",
                 "citations", "source"}
    for st in statements:
        sid = st["id"]
        if sid in seen:
            raise SourceError(f"statements.toml: duplicate id {sid!r}")
        seen.add(sid)
        if st["kind"] not in KINDS:
            raise SourceError(f"statements.toml: {sid}: unknown kind {st['kind']!r}")
        citations = st.get("citations", [])
        for n in citations:
            if n not in known_refs:
                raise SourceError(f"statements.toml: {sid}: cites missing reference {n}")
        cited_kind = st["kind"] in ("option", "plan", "caution")
        if cited_kind and not (citations and st.get("source")):
            raise SourceError(f"statements.toml: {sid}: needs citations and a source quote")
        if not cited_kind and (citations or st.get("source")):
            # (docs review M2: a source quote was taken on an outside or scope entry,
            # which says what the source does not cover)
            raise SourceError(f"statements.toml: {sid}: {st['kind']} entries carry no "
                              "citation and no source quote")
        severity = st.get("severity")
        if (st["kind"] == "caution") != (severity in SEVERITIES):
            raise SourceError(f"statements.toml: {sid}: severity must be set on cautions only")
        statement_rows.append({
            "id": sid, "kind": st["kind"], "ord": st["order"], "severity": severity,
            "title": st["title"], "text": st["text"],
            "rationale": _json(st.get("rationale", [])),
            "citations": _json(citations), "source": _json(st.get("source", [])),
            "extra": _json({k: v for k, v in st.items() if k not in core_keys}),
        })

    figure_rows = []
    for fig in figures:
        if fig["citation"] not in known_refs:
            raise SourceError(f"figures.toml: {fig['id']}: cites missing reference")
        for user in fig["used_by"]:
            if user not in seen:
                raise SourceError(f"figures.toml: {fig['id']}: used_by unknown id {user!r}")
        figure_rows.append({
            "id": fig["id"], "trial": fig["trial"], "measure": fig["measure"],
            "value": fig["value"], "context": fig["context"], "citation": fig["citation"],
            "used_by": _json(fig["used_by"]),
        })

    through = meta.get("sources_through")
    # a publication year stands before the volume: "J Clin Oncol. 2014;32(19):..."
    newest = max(int(y) for r in ref_rows for y in re.findall(r"\b((?:19|20)\d\d);",
                                                               r["citation"]))
    if through != newest:
        raise SourceError(f"meta.toml: sources_through must be {newest}, the year of the "
                          f"newest reference (got {through!r})")
    return {
        "meta": {"format": meta["format"], "version": meta["version"],
                 "title": meta["title"], "source": meta["source"],
                 # text, as the store's meta table keeps every value
                 "sources_through": str(through),
                 "changelog": changelog, "synonyms": synonyms},
        "refs": sorted(ref_rows, key=lambda r: r["n"]),
        "statements": sorted(statement_rows, key=lambda r: r["id"]),
        "figures": sorted(figure_rows, key=lambda r: r["id"]),
    }


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def content_sha256(content: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the store's content (``meta.sha256`` excluded)."""
    meta = {k: v for k, v in content["meta"].items() if k != "sha256"}
    canonical = json.dumps(
        {**content, "meta": meta}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return sha256_of_one(canonical.encode("utf-8"))
