"""Tools > Compare evidence packs: statements added, changed and removed between
two evidence packs on this computer (the bundled one and those IT installed), with the
newer pack's changelog. The comparison is :func:`core.evidence.diff.diff_stores`, the
same as ``hrher2-aid evidence diff A B``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.evidence import EvidenceError, EvidenceStore, verify_pack
from core.evidence.diff import EvidenceDiff, diff_stores
from core.evidence.manifest import Release
from desktop.markup import escape


def available_packs(current: EvidenceStore | None) -> list[tuple[str, Path]]:
    """(label, folder) of every pack here: the one in use, the bundled one, installed ones."""
    from core.evidence.install import InstallError, installed, machine_folder
    from core.evidence.pack import bundled_pack

    folders: list[Path] = []
    if current is not None and current.pack is not None:
        folders.append(current.pack.folder)
    folders.append(bundled_pack())
    with contextlib.suppress(InstallError, OSError):
        # each checked below, to compare: a genuine pack from before this version of
        # the app (which it cannot use, so `installed` gives its problem) is listed too
        root = machine_folder()
        folders += [root / "packs" / row.name for row in installed(root) if row.info]
    packs: list[tuple[str, Path]] = []
    seen: set[Path] = set()
    for folder in folders:
        if folder.resolve() in seen:
            continue
        seen.add(folder.resolve())
        try:
            store = verify_pack(folder, to_compare=True)  # (older packs are compared too)
        except EvidenceError:
            continue
        assert store.pack is not None
        in_use = current is not None and current.pack is not None \
            and folder.resolve() == current.pack.folder.resolve()
        label = f"{store.version} (sequence {store.pack.sequence})" + \
            (" - in use" if in_use else "")
        packs.append((label, folder))
    return packs


def _releases_html(releases: tuple[Release, ...]) -> str:
    if not releases:
        return "<p>No changelog entry recorded.</p>"
    parts = []
    for release in releases:
        items = "".join(f"<li>{escape(c)}</li>" for c in release.changes)
        parts.append(f"<p><b>{escape(release.version)}</b> ({escape(release.date)}): "
                     f"{escape(release.summary)}</p>"
                     f"<ul>{items}</ul>")
    return "".join(parts)


def diff_html(diff: EvidenceDiff) -> str:
    parts = [f"<h3>Evidence {escape(diff.old)} → {escape(diff.new)}</h3>"]
    for title, changes in (("Added", diff.added), ("Changed", diff.changed),
                           ("Removed", diff.removed)):
        parts.append(f"<p><b>{title}: {len(changes)}</b></p>")
        if changes:
            items = "".join(
                f"<li>{c.kind} <code>{escape(c.id)}</code>"
                + (f" ({escape(', '.join(c.fields))})" if c.fields else "") + "</li>"
                for c in changes)
            parts.append(f"<ul>{items}</ul>")
    if diff.is_empty:
        parts.append("<p>No statement, reference or figure differs.</p>")
    parts.append("<h3>Changelog</h3>" + _releases_html(diff.changelog))
    return "".join(parts)


class EvidenceChangesDialog(QDialog):
    """Two packs to compare (older, newer) and what differs between them."""

    def __init__(self, current: EvidenceStore | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidence_changes")
        self.setWindowTitle("Compare evidence packs")
        self.resize(640, 520)
        self.current = current
        self.packs = available_packs(current)
        self.old = QComboBox(self)
        self.old.setObjectName("old_pack")
        self.new = QComboBox(self)
        self.new.setObjectName("new_pack")
        for label, _folder in self.packs:
            self.old.addItem(label)
            self.new.addItem(label)
        self.old.setAccessibleName("Older evidence pack")
        self.new.setAccessibleName("Newer evidence pack")
        self.text = QTextBrowser(self)
        self.text.setObjectName("changes_text")
        self.text.setAccessibleName("What changed")
        form = QFormLayout()
        form.addRow("&From:", self.old)
        form.addRow("&To:", self.new)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        if len(self.packs) > 1:
            # the pack in use (listed first) against the next one listed
            self.new.setCurrentIndex(0)
            self.old.setCurrentIndex(1)
        self.old.currentIndexChanged.connect(self.refresh)
        self.new.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        if not self.packs:
            self.text.setHtml("<p>No evidence pack on this computer passes its check.</p>")
            return
        old_folder = self.packs[self.old.currentIndex()][1]
        new_folder = self.packs[self.new.currentIndex()][1]
        try:
            old, new = (verify_pack(old_folder, to_compare=True),
                        verify_pack(new_folder, to_compare=True))
        except EvidenceError as exc:
            self.text.setHtml(f"<p>{escape(str(exc))}</p>")
            return
        assert old.pack is not None and new.pack is not None
        if old.pack.sequence > new.pack.sequence:
            old, new = new, old
        html = diff_html(diff_stores(old, new))
        if len(self.packs) == 1 and new.pack is not None:
            html = ("<p>Only one evidence pack is on this computer; its changelog:</p>"
                    + _releases_html(new.pack.changelog))
        self.text.setHtml(html)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
