"""Help ▸ What changed in the evidence: each release of the evidence, what changed and
why (the changelog the evidence store carries, newest first)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from core.evidence import EvidenceStore
from core.evidence.currency import currency_sentence
from desktop.markup import escape


def changelog_html(store: EvidenceStore | None, evidence_error: str | None = None) -> str:
    """The changelog as rich text; without a verified store, why there is none."""
    if store is None:
        return ("<p><b>The evidence store failed its check</b>, so its changelog cannot "
                f"be shown: {escape(evidence_error or 'not loaded')}</p>")
    parts = [f"<p>{escape(currency_sentence(store.version, store.sources_through))}</p>"]
    if not store.changelog:
        parts.append("<p>This evidence store carries no changelog.</p>")
    for entry in store.changelog:
        current = " (in use)" if entry.version == store.version else ""
        parts.append(f"<h3>Evidence {escape(entry.version)}{current} · "
                     f"{escape(entry.date)}</h3><p>{escape(entry.summary)}</p>")
        if entry.changes:
            parts.append("<ul>" + "".join(f"<li>{escape(c)}</li>" for c in entry.changes)
                         + "</ul>")
    return "".join(parts)


class ChangelogDialog(QDialog):
    def __init__(self, store: EvidenceStore | None, evidence_error: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changelog_dialog")
        self.setWindowTitle("What changed in the evidence")
        self.resize(720, 560)
        self.text = QTextBrowser(self)
        self.text.setObjectName("changelog_text")
        self.text.setAccessibleName("What changed in the evidence")
        self.text.setHtml(changelog_html(store, evidence_error))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
