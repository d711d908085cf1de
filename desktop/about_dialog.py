"""The About box: versions, evidence identity, intended use and limits."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from core.evidence import EvidenceStore
from core.evidence.currency import currency_sentence
from desktop.markup import escape


def app_version() -> str:
    """The application's version (one source: ``core.__version__``)."""
    from core import __version__

    return __version__


def pack_html(store: EvidenceStore) -> str:
    """The signed pack's identity lines (sequence, signer key, sources through)."""
    pack = store.pack
    if pack is None:
        return "<br>Not opened as a signed evidence pack."
    text = (f"<br>Signed pack: sequence {pack.sequence}, created {escape(pack.created)}"
            f"<br>Signer key <code>{escape(pack.key_id)}</code>"
            f"<br>Sources through {pack.through}")
    if store.notice:
        text += f"<br><b>Note:</b> {escape(store.notice)}"
    return text


def about_html(store: EvidenceStore | None, evidence_error: str | None) -> str:
    if store is not None:
        n_refs = len(store.references)
        evidence = (f"<p><b>Evidence</b> {escape(store.version)}<br>"
                    f"content SHA-256 <code>{escape(store.sha256)}</code>{pack_html(store)}<br>"
                    f"{escape(currency_sentence(store.version, store.sources_through))} "
                    "Help ▸ What changed in the evidence lists each release.</p>")
        source = (f"one summary source ({escape(store.title)}) with {n_refs} "
                  f"reference{'s' if n_refs != 1 else ''}")
    else:
        evidence = (f"<p><b>Evidence store failed its check:</b> "
                    f"{escape(evidence_error or 'not loaded')}</p>")
        source = "one summary source and its references"
    return (
        f"<h2>HR+/HER2+ decision aid</h2><p>Version {escape(app_version())}</p>{evidence}"
        "<p><b>Intended use.</b> Decision support for clinicians treating "
        "hormone-receptor-positive, HER2-positive metastatic breast cancer. "
        "It is not a substitute for clinical judgement.</p>"
        "<p><b>Limits.</b> It covers HR+/HER2+ metastatic breast cancer only, and it is "
        f"based on {source}. Where that source is silent the aid says so, offers no "
        "option of its own, and marks as its own what it adds there (a "
        "multidisciplinary review). It makes no network connection; cases stay on this "
        "computer.</p>")


class AboutDialog(QDialog):
    def __init__(self, store: EvidenceStore | None, evidence_error: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle("About HR+/HER2+ decision aid")
        self.setMinimumWidth(560)
        self.text = QLabel(about_html(store, evidence_error), self)
        self.text.setObjectName("about_text")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
