"""The plain records the case store hands out (no I/O here)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.case import Case, parse_case


@dataclass(frozen=True, slots=True)
class CaseRow:
    """What the case list shows: cheap to fetch for thousands of cases."""

    id: int
    label: str | None
    setting: str | None
    changed: str
    damaged: str | None = None
    """Why the row failed its hash check (shown in the list), or None."""


@dataclass(frozen=True, slots=True)
class Saved:
    """Where a save went: the case's id and the revision now stored (1 for a new case);
    ``written`` is False when the stored case already was this one (nothing to save)."""

    id: int
    revision: int
    written: bool = True


@dataclass(frozen=True, slots=True)
class StoredCase:
    """One saved case, with the result it produced when it was saved."""

    id: int
    label: str | None
    setting: str | None
    answers: dict[str, Any]
    result: dict[str, Any]
    evidence_version: str
    evidence_sha256: str | None
    case_sha256: str | None
    created: str
    changed: str
    revision: int = 1
    damaged: str | None = None
    """Why the stored row failed its hash check, or None when it is intact. A damaged
    case is shown for what it is and never used silently."""

    def case(self) -> Case:
        """The answers as a validated :class:`Case` (raises :class:`CaseError`)."""
        return parse_case(self.answers)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "label": self.label, "setting": self.setting,
            "case": self.answers, "result": self.result,
            "evidence": {"version": self.evidence_version, "sha256": self.evidence_sha256},
            "case_sha256": self.case_sha256, "created": self.created, "changed": self.changed,
            "revision": self.revision, "damaged": self.damaged,
        }


@dataclass(frozen=True, slots=True)
class ImportReport:
    """The outcome for one imported file: ``case_id`` when it went in, else ``error``."""

    path: Path
    case_id: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.case_id is not None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: str
    kind: str
    files: tuple[str, ...]
    case_sha256: str
    evidence_version: str
    case_id: int | None
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Comparison:
    """A saved result beside today's; ``differs`` ignores the evidence block itself."""

    stored: dict[str, Any]
    current: dict[str, Any]
    differs: bool

    @property
    def evidence_changed(self) -> bool:
        return bool(self.stored.get("evidence") != self.current.get("evidence"))

    def differences(self) -> list[str]:
        """Which parts differ, by contract id (no clinical wording of our own)."""
        out: list[str] = []
        for key in ("in_scope", "scope_reason"):
            if self.stored.get(key) != self.current.get(key):
                out.append(f"{key} changed")
        for part in ("options", "plan", "cautions"):
            old = {i["id"]: i for i in self.stored.get(part, [])}
            new = {i["id"]: i for i in self.current.get(part, [])}
            out += [f"{part}: {i} only in the saved result" for i in old if i not in new]
            out += [f"{part}: {i} only in today's result" for i in new if i not in old]
            out += [f"{part}: {i} changed" for i in old if i in new and old[i] != new[i]]
        for key in ("outside_source", "references"):
            if self.stored.get(key) != self.current.get(key):
                out.append(f"{key} changed")
        return out
