"""What changed between two evidence packs: statements, references and figures added,
changed and removed, with the newer pack's changelog (``evidence diff A B`` and the
app's "What changed" view render the same :class:`EvidenceDiff`).

>>> EvidenceDiff("a", "b", (), (), (), ()).is_empty
True
"""

from __future__ import annotations

from typing import NamedTuple

from core.evidence.manifest import Release
from core.evidence.store import EvidenceStore


class Change(NamedTuple):
    kind: str  # "statement", "reference" or "figure"
    id: str
    fields: tuple[str, ...]  # for a changed entry: which fields differ


class EvidenceDiff(NamedTuple):
    old: str  # "2026.11.3 (sequence 3)"
    new: str
    added: tuple[Change, ...]
    changed: tuple[Change, ...]
    removed: tuple[Change, ...]
    changelog: tuple[Release, ...]  # the newer pack's releases newer than the old version

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def _label(store: EvidenceStore) -> str:
    if store.pack is not None:
        return f"{store.version} (sequence {store.pack.sequence})"
    return store.version


def _tables(store: EvidenceStore) -> dict[str, dict[str, dict[str, object]]]:
    return {
        "statement": {k: v._asdict() for k, v in store.statements.items()},
        "reference": {str(k): v._asdict() for k, v in store.references.items()},
        "figure": {k: v._asdict() for k, v in store.figures.items()},
    }


def diff_stores(old: EvidenceStore, new: EvidenceStore) -> EvidenceDiff:
    """Entries of ``new`` that ``old`` lacks (added), has differently (changed) or has
    and ``new`` lacks (removed), in kind then id order."""
    added: list[Change] = []
    changed: list[Change] = []
    removed: list[Change] = []
    before, after = _tables(old), _tables(new)
    for kind in ("statement", "reference", "figure"):
        a, b = before[kind], after[kind]
        for key in sorted(b.keys() - a.keys()):
            added.append(Change(kind, key, ()))
        for key in sorted(a.keys() & b.keys()):
            fields = tuple(f for f in b[key] if a[key].get(f) != b[key][f])
            if fields:
                changed.append(Change(kind, key, fields))
        for key in sorted(a.keys() - b.keys()):
            removed.append(Change(kind, key, ()))
    releases: tuple[Release, ...] = ()
    if new.pack is not None:
        known = {r.version for r in old.pack.changelog} if old.pack is not None else set()
        known.add(old.version)
        releases = tuple(r for r in new.pack.changelog if r.version not in known)
    return EvidenceDiff(_label(old), _label(new), tuple(added), tuple(changed),
                        tuple(removed), releases)


def diff_text(diff: EvidenceDiff) -> str:
    """Plain text, as ``evidence diff`` prints it."""
    lines = [f"evidence {diff.old} -> {diff.new}"]
    for title, changes in (("added", diff.added), ("changed", diff.changed),
                           ("removed", diff.removed)):
        lines.append(f"{title}: {len(changes)}")
        for change in changes:
            extra = f" ({', '.join(change.fields)})" if change.fields else ""
            lines.append(f"  {change.kind} {change.id}{extra}")
    if diff.is_empty:
        lines.append("no statement, reference or figure differs")
    lines.append("changelog:" if diff.changelog else "changelog: none recorded")
    for release in diff.changelog:
        lines.append(f"  {release.version} ({release.date}): {release.summary}")
        lines.extend(f"    - {change}" for change in release.changes)
    return "\n".join(lines) + "\n"
