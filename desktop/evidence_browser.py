"""The evidence browser: every statement and reference, searchable through the
store's full-text index (:meth:`core.evidence.EvidenceStore.search`)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.evidence import EvidenceError, EvidenceStore, SearchPlan, Statement
from core.evidence.currency import currency_sentence
from core.evidence.terms import display_name
from desktop.markup import escape, tooltip

_KIND_LABELS = {"option": "Option", "plan": "Plan", "caution": "Caution",
                "outside": "Outside the source", "scope": "Scope"}


def statement_html(store: EvidenceStore, st: Statement) -> str:
    kind = _KIND_LABELS.get(st.kind, st.kind)
    if st.severity:
        kind += f" ({st.severity})"
    # internal ids stay internal: the title and the kind say what the entry is
    parts = [f"<h3>{escape(st.title)}</h3><p><i>{escape(kind)}</i></p>"
             f"<p>{escape(st.text)}</p>"]
    if st.rationale:
        parts.append("<ul>" + "".join(f"<li>{escape(r)}</li>" for r in st.rationale) + "</ul>")
    harms = store.harms(st.id)
    if harms:
        parts.append("<p><b>Harms</b></p><ul>" + "".join(
            f"<li>{escape(h.text)} [{', '.join(str(n) for n in h.citations)}] "
            f"<i>({escape(h.basis)})</i></li>" for h in harms) + "</ul>")
    if st.source:
        quotes = "".join(f"<li><i>“{escape(s)}”</i></li>" for s in st.source)
        parts.append(f"<p><b>In the source's words</b></p><ul>{quotes}</ul>")
    if st.citations:
        refs = "".join(
            f"<p>[{n}] {escape(store.references[n].citation)}</p>"
            for n in st.citations if n in store.references)
        parts.append(f"<p><b>References</b></p>{refs}")
    else:
        parts.append("<p>No citation: this entry says what the source does not cover.</p>")
    return "".join(parts)


def outside_html(store: EvidenceStore, plan: SearchPlan) -> str:
    """What a search named that the source does not cover or discuss, or covers only
    by class."""
    after = f"({escape(currency_sentence(store.version, store.sources_through))})"
    parts = [f"<p><b>{escape(display_name(name))} lies outside the source.</b> The source "
             f"this aid rests on does not discuss it, so nothing here speaks to it. {after}</p>"
             for name in plan.not_covered]
    parts += [f"<p><b>The source does not discuss {escape(topic)}</b>, so nothing here "
              f"speaks to it. {after}</p>" for topic in plan.not_discussed]
    parts += [f"<p><i>{escape(note)}</i></p>" for note in plan.notes]
    return "".join(parts)


#: what the browser says when a search finds nothing and names nothing outside the source
NO_MATCH = ("<p>No statement matches. The source may not discuss this, or may say it in "
            "other words: try fewer or other words, or clear the search to list every "
            "statement.</p>")
#: what it says when a search holds no word (punctuation, an emoji)
NO_WORDS = ("<p>There is no word to search for in this text: type a word, or clear the "
            "search to list every statement.</p>")
#: what it says when no statement holds all the words of a search, only some of them
SOME_WORDS = ("<p><b>No statement holds all of these words.</b> The statements listed "
              "hold some of them, the closest first.</p>")


class EvidenceBrowser(QWidget):
    """Search box, list of matching statements, the chosen statement, all references."""

    def __init__(self, store: EvidenceStore | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidence_browser")
        self.store = store
        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setAccessibleName("Search the evidence")
        self.search.setPlaceholderText("Search statements, e.g. pertuzumab, maintenance")
        self.search.setClearButtonEnabled(True)
        label = QLabel("&Search:", self)
        label.setBuddy(self.search)
        self.count = QLabel(self)
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.count.setObjectName("hit_count")
        # What the search named outside the source, and notes on how it was read: above
        # the list, seen whichever statement is chosen (search review, finding 3: a
        # drug outside the source was named only in the chosen statement's pane).
        self.notice = QLabel(self)
        self.notice.setObjectName("search_notice")
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("background: #fffde7; padding: 2px 6px;")
        self.notice.hide()
        self.hits = QListWidget(self)
        self.hits.setObjectName("hits")
        self.hits.setAccessibleName("Matching statements")
        self.detail = QTextBrowser(self)
        self.detail.setObjectName("statement")
        self.detail.setAccessibleName("Chosen statement")
        self.references = QTextBrowser(self)
        self.references.setObjectName("references")
        self.references.setAccessibleName("References")

        # Search as the user types, but not on every keystroke.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self.run_search)
        self.hits.currentItemChanged.connect(self._chosen)

        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self.detail)
        right.addWidget(self.references)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        body = QSplitter(Qt.Orientation.Horizontal, self)
        body.addWidget(self.hits)
        body.addWidget(right)
        body.setStretchFactor(0, 2)
        body.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(body, 1)
        if store is None:
            self.search.setEnabled(False)
            self.count.setText("The evidence store is not available.")
            return
        self.references.setHtml("<h3>References</h3>" + "".join(
            f"<p><b>[{n}]</b> {escape(r.citation)}</p>"
            for n, r in sorted(store.references.items())))
        self.run_search()

    def run_search(self) -> None:
        """Fill the list with the statements matching the search box (all when empty)."""
        if self.store is None:
            return
        self._timer.stop()
        self.hits.clear()
        try:
            found = self.store.find(self.search.text())
        except EvidenceError as exc:
            # (hostile search review, finding 13: the last search's list and notice
            # stayed, under a count label holding the store's path)
            self.count.setText("The search failed")
            self.notice.hide()
            self.detail.setHtml(f"<p>The search failed: {escape(str(exc))}</p>")
            return
        for hit in found.hits:
            st = hit.statement
            item = QListWidgetItem(f"{_KIND_LABELS.get(st.kind, st.kind)}: {st.title}")
            item.setData(Qt.ItemDataRole.UserRole, st.id)
            item.setToolTip(tooltip(hit.snippet))
            self.hits.addItem(item)
        n = len(found.hits)
        self.count.setText(f"{n} statement{'s' if n != 1 else ''}"
                           + (" with some of the words" if found.partial else ""))
        notice = outside_html(self.store, found.plan) + (SOME_WORDS if found.partial else "")
        self.notice.setText(notice)
        self.notice.setVisible(bool(notice and found.hits))  # (else the pane shows it)
        if found.hits:
            self.hits.setCurrentRow(0)
        else:
            self.detail.setHtml(notice or (NO_WORDS if found.plan.unsearchable else NO_MATCH))

    def hit_ids(self) -> list[str]:
        return [self.hits.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.hits.count())]

    def _chosen(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is None or self.store is None:
            return
        st = self.store.statements[item.data(Qt.ItemDataRole.UserRole)]
        self.detail.setHtml(statement_html(self.store, st))
