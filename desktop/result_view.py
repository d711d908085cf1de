"""The live recommendation: options, plan, cautions, outside-source entries, references.

Everything shown is a :class:`core.result.Result` (texts from the evidence store);
this module only lays it out. Citation markers are links; choosing one shows the
full reference and the evidence statement (with the source's own words) below.
The view (objectName ``result``) is a QTextBrowser, so its text is readable with
``toPlainText()`` and by screen readers, and its links are reachable with Tab.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.evidence import EvidenceStore
from core.evidence.currency import currency_sentence
from core.result import Item, Result, ResultFormatError
from desktop.markup import escape

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl  # the class costs 1 ms to create; only typing needs it

_STATUS_STYLE = {"preferred": ("Preferred", "#1b5e20"), "consider": ("Consider", "#0d47a1")}
_SEVERITY_STYLE = {
    # label, label colour, box background, box border
    "warning": ("WARNING", "#8b0000", "#fdecea", "#c62828"),
    "note": ("Note", "#37474f", "#eef2f5", "#90a4ae"),
}


def _markers(item_id: str, citations: tuple[int, ...], scheme: str) -> str:
    return " ".join(
        f'<a href="{scheme}:{escape(item_id)}:{n}" title="Reference {n}">[{n}]</a>'
        for n in citations
    )


def _box(body: str, background: str, border: str) -> str:
    return (f'<table width="100%" cellspacing="0" cellpadding="8" '
            f'style="background-color:{background}; border: 1px solid {border}; '
            f'margin-bottom: 6px;"><tr><td>{body}</td></tr></table>')


def _heading(text: str) -> str:
    return f'<h3 style="margin-top: 14px; margin-bottom: 4px;">{escape(text)}</h3>'


def _title(title: str) -> str:
    """A bold title and a line break (nothing for a saved result stored without titles)."""
    return f"<b>{escape(title)}</b><br>" if title else "<br>"


def _option(item: Item, scheme: str) -> str:
    label, colour = _STATUS_STYLE.get(item.status or "", (item.status or "", "#000000"))
    rationale = "".join(f"<li>{escape(r)}</li>" for r in item.rationale)
    body = (f'<b style="color:{colour};">{escape(label.upper())}</b>&nbsp;&nbsp;'
            f"{_title(item.title)}{escape(item.text)} "
            f"{_markers(item.id, item.citations, scheme)}")
    if item.strength:  # the source's own strength words
        body += f"<br><i>{escape(item.strength)}</i>"
    if rationale:
        body += f'<ul style="margin-top: 2px;">{rationale}</ul>'
    if item.harms:
        harms = "".join(f"<li>{escape(h.text)} {_markers(item.id, h.citations, scheme)}</li>"
                        for h in item.harms)
        body += f'<b>Harms</b><ul style="margin-top: 2px;">{harms}</ul>'
    return _box(body, "#f4f8f4" if item.status == "preferred" else "#f5f7fb", colour)


def _caution(item: Item, scheme: str) -> str:
    label, colour, background, border = _SEVERITY_STYLE.get(
        item.severity or "note", ((item.severity or "").upper(), "#37474f", "#eef2f5", "#90a4ae"))
    label = escape(label)
    body = (f'<b style="color:{colour};">{label}</b>&nbsp;&nbsp;{_title(item.title)}'
            f"{escape(item.text)} {_markers(item.id, item.citations, scheme)}")
    return _box(body, background, border)


def _heading_flags(result: Result) -> tuple[str, bool]:
    """What a result's heading says whatever else it says ("" for nothing), and whether
    a warning is among it: how many warnings the result has (they can sit below the
    fold), and a planned regimen that matches none of its options (review 19, M1: said
    whatever the warnings, which may be about an option, not the plan). The heading of
    a comparison with a saved result says them too (explore19, finding 8)."""
    warnings = sum(1 for c in result.cautions if c.severity == "warning")
    flags = [f"{warnings} warning{'s' if warnings > 1 else ''} (see Cautions)"] if warnings else []
    plan = ["matches none of the options"] if result.plan_departs() else []
    if result.answer_checks:  # (texts21, M1-M4: the plan against the case's own answers)
        plan.append("goes against another answer")
    if plan:
        flags.append(f"the planned regimen {' and '.join(plan)} (see Plan check)")
    return "; ".join(flags), bool(warnings)


def result_html(result: Result, scheme: str = "cite") -> str:
    """The whole recommendation as rich text (used on screen; plain-text readable),
    from the result alone: the live one and one read back from a saved case alike.
    ``scheme``: its reference markers' links ("saved" for a result as saved, whose
    markers show the saved words: review B, L1)."""
    evidence = currency_sentence(result.evidence_version, result.evidence_sources_through)
    currency = f'<p style="color:#455a64;">{escape(evidence)}</p>'
    if not result.in_scope:
        return (currency + _heading("Outside the scope of this aid")
                + _box(escape(result.scope_reason or ""), "#fff8e1", "#f9a825"))
    parts = [currency, _heading("Options")]
    if result.options:
        parts += [_option(o, scheme) for o in result.options]
    else:
        # what the aid lists: the source may speak, unresolved (review D, M2)
        parts.append("<p>This aid lists no option from the source for these answers "
                     "(see below).</p>")
    check = result.plan_check()
    if check:
        parts.append(f"<p><b>Plan check:</b> {escape(check)}</p>")
    parts += [_box(f"<b>CHECK THE ANSWERS</b>&nbsp;&nbsp;{escape(c.text)}", "#fff3e0", "#ef6c00")
              for c in result.answer_checks]
    if result.plan:
        parts.append(_heading("Plan"))
        parts += [
            f"<p>{f'<b>{escape(p.title)}</b>: ' if p.title else ''}{escape(p.text)} "
            f"{_markers(p.id, p.citations, scheme)}</p>"
            for p in result.plan
        ]
    if result.cautions:
        parts.append('<a name="cautions"></a>' + _heading("Cautions"))
        parts += [_caution(c, scheme) for c in result.cautions]
    if result.outside_source:
        parts.append(_heading("Outside the source"))
        titles = result.outside_titles or ("",) * len(result.outside_source)
        for title, text in zip(titles, result.outside_source, strict=True):
            parts.append(_box(f"<b>OUTSIDE THE SOURCE</b>&nbsp;&nbsp;{_title(title)}"
                              f"{escape(text)}", "#fffde7", "#bdb76b"))
    if result.references:
        parts.append(_heading("References"))
        parts += [f"<p>[{n}] {escape(citation)}</p>" for n, citation in result.references]
    parts.append('<p style="color:#455a64;">Choose a reference marker such as [1] to see the '
                 "reference and the evidence statement.</p>")
    return "".join(parts)


def saved_result_html(saved: Mapping[str, Any]) -> str:
    """A result as it was saved (its JSON), read back into a :class:`Result` and laid
    out like any other; one that no longer reads as a result says so (escaped)."""
    try:
        return result_html(Result.from_dict(saved))
    except ResultFormatError as exc:
        return _box(f"The result as saved cannot be read: {escape(str(exc))}",
                    "#fff8e1", "#f9a825")


def saved_citation_html(saved: Result, item_id: str, n: int) -> str:
    """A marker of the result as saved: its reference and its item as they were saved
    (review B, L1: today's statement was shown under the saved result)."""
    ref = dict(saved.references).get(n)
    item = next((i for i in (*saved.options, *saved.plan, *saved.cautions)
                 if i.id == item_id), None)
    parts = [f"<p><b>Reference [{n}], as saved</b><br>"
             f"{escape(ref) if ref else 'not in the saved result'}</p>"]
    if item is not None:
        parts.append(f"<p><b>As saved (evidence {escape(saved.evidence_version)}): "
                     f"{escape(item.title or item.id)}</b><br>{escape(item.text)}</p>")
    return "".join(parts)


def citation_html(store: EvidenceStore, statement_id: str, n: int) -> str:
    """The full reference and the evidence statement a marker stands for."""
    ref = store.references.get(n)
    statement = store.statements.get(statement_id)
    parts = [f"<p><b>Reference [{n}]</b><br>"
             f"{escape(ref.citation) if ref else 'not in the evidence store'}</p>"]
    if statement is not None:
        parts.append(f"<p><b>Evidence statement: {escape(statement.title)}</b><br>"
                     f"{escape(statement.text)}</p>")
        if statement.source:
            quotes = "".join(f"<li><i>“{escape(s)}”</i></li>" for s in statement.source)
            parts.append(f"<p><b>In the source's words</b></p><ul>{quotes}</ul>")
    return "".join(parts)


class ResultView(QWidget):
    """The recommendation (objectName ``result``) above the chosen citation."""

    def __init__(self, store: EvidenceStore | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.result: Result | None = None
        self._saved: Result | None = None  # the result as saved, beside today's
        self.header = QLabel(self)
        self.header.setObjectName("result_state")
        self.header.setWordWrap(True)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("result")
        self.browser.setAccessibleName("Result")  # (not "Recommendation": review D, L4)
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._anchor)
        # Warnings stand above the result, where they are seen without scrolling;
        # the button takes the reader (and the keyboard focus) to them.
        self.banner = QFrame(self)
        self.banner.setObjectName("warning_banner")
        self.banner.setAccessibleName("Warnings")
        self.banner.setStyleSheet("QFrame#warning_banner { background: #fdecea; "
                                  "border: 2px solid #c62828; border-radius: 3px; }")
        self.banner_text = QLabel(self.banner)
        self.banner_text.setObjectName("warning_banner_text")
        self.banner_text.setWordWrap(True)
        self.banner_text.setStyleSheet("font-weight: bold; color: #8b0000; border: none;")
        self.banner_button = QPushButton(self.banner)  # (text apart: see QuestionnaireView)
        self.banner_button.setText("Show the &warnings")
        self.banner_button.setObjectName("show_warnings")
        self.banner_button.clicked.connect(self.show_warnings)
        banner_layout = QVBoxLayout(self.banner)
        banner_layout.setContentsMargins(8, 6, 8, 6)
        banner_layout.addWidget(self.banner_text)
        button_row = QHBoxLayout()  # the button at its own width, on the left
        button_row.addWidget(self.banner_button)
        button_row.addStretch(1)
        banner_layout.addLayout(button_row)
        self.banner.hide()
        # The chosen reference: shown only once a marker is chosen (it would otherwise
        # take a fifth of a small screen to say "choose a marker").
        self.citation = QTextBrowser(self)
        self.citation.setObjectName("citation")
        self.citation.setAccessibleName("Chosen reference and evidence statement")
        self.citation.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.banner)
        layout.addWidget(self.browser, 3)
        layout.addWidget(self.citation, 1)

    def _state(self, text: str, colour: str) -> None:
        # The state carries stored evidence versions: text that could pass for markup is
        # escaped inside a tag (Qt then reads it as rich text and shows the characters).
        # Not setTextFormat(PlainText): the Qt namespace it needs costs start-up time
        # (checked in tests/desktop/test_app).
        self.header.setText(f"<span>{escape(text)}</span>" if "<" in text or "&" in text
                            else text)
        self.header.setStyleSheet(f"font-weight: bold; color: {colour}; padding: 4px;")

    def show_error(self, message: str) -> None:
        """The evidence store failed its check: say so, recommend nothing."""
        self.result = None
        self._state("Evidence store error: no recommendation", "#8b0000")
        self.browser.setHtml(
            "<h3>The evidence store failed its check</h3>"
            f"<p>{escape(message)}</p>"
            "<p><b>No recommendation is shown.</b> Reinstall the application or ask "
            "your IT support to restore the evidence store.</p>")
        self.citation.clear()
        self.citation.hide()
        self.banner.hide()

    def show_incomplete(self, missing: list[str], scope: Result | None = None) -> None:
        """Not every answer is given yet (``missing``: what is still needed, one phrase
        each: CaseSession.still_needed); with ``scope``, the case is already known to be
        outside the aid's scope (shown, without a case hash: there is no case yet)."""
        self.result = None
        items = "".join(f"<li>{escape(what)}</li>" for what in missing)
        needed = f"Still needed:</p><ul>{items}</ul>"
        if scope is not None:
            self._state("Out of scope (case record incomplete)", "#6d4c00")
            self.browser.setHtml(result_html(scope) + "<p>To save or export this case, "
                                 f"complete its record. {needed}")
        else:
            self._state("Incomplete", "#6d4c00")
            self.browser.setHtml("<h3>Incomplete</h3><p>No recommendation until every "
                                 f"required answer is given. {needed}")
        self.citation.clear()
        self.citation.hide()
        self.banner.hide()

    def show_result(self, result: Result) -> None:
        self.result, self._saved = result, None
        flags, warned = _heading_flags(result)
        # a warning makes the heading red; a plan that matches none, never green
        flagged = "#8b0000" if warned else "#6d4c00"
        if result.in_scope and not result.options:
            # nothing to recommend: never a green "Preferred option"
            self._state("No option from the source (see Outside the source)"
                        + (f"; {flags}" if flags else ""), flagged)
        elif result.in_scope:
            # The option's status, in the summary's word: "preferred" is this aid's
            # listing, the source's own word for some options only ("a reasonable
            # approach" for maintenance; continuing chemotherapy before 4 months is the
            # aid's reading of "at least 4-6 months"), so never "Recommendation"
            # (review A, M3). An option listed to consider is not called preferred.
            preferred = any(o.status == "preferred" for o in result.options)
            head = ("Preferred option" if preferred else
                    "Options to consider" if len(result.options) > 1 else "Option to consider")
            if flags:
                self._state(f"{head}: {flags}", flagged)
            else:
                self._state(head, "#1b5e20" if preferred else "#1f3a5f")
        else:
            self._state("Out of scope", "#6d4c00")
        self.browser.setHtml(result_html(result))
        self.citation.clear()
        self.citation.hide()
        warned_line = result.warnings_line()
        if warned_line:
            # rich text (the default) but escaped: the plain-text flag would load Qt's
            # whole namespace at start-up
            self.banner_text.setText(escape(warned_line))
        self.banner.setVisible(bool(warned_line))

    def show_warnings(self) -> None:
        """Scroll the result to its cautions and give it the keyboard focus."""
        self.browser.scrollToAnchor("cautions")
        self.browser.setFocus()

    def show_comparison(self, saved: Result, differences: list[str], *,
                        words_only: bool = False) -> None:
        """A case saved under other evidence whose result differs today: say so, and
        show today's result (already shown) above the result as it was saved (read
        back with :meth:`Result.from_dict`, rendered the same way)."""
        current = self.result
        if current is None:
            return
        saved_version = escape(saved.evidence_version)
        today = escape(current.evidence_version)
        # today's result is the one decided on: its warnings and a plan that matches none
        # of its options stay in the heading here too (explore19, finding 8)
        flags, _warned = _heading_flags(current)  # red whatever they are
        # the same evidence: the app's rules changed since (an upgrade), not the evidence
        # (review B, M1: such a case was never compared)
        same = saved.evidence_version == current.evidence_version
        # only the words the PDFs print differ: said so, not "a different result"
        # (review D, M1: the two results on screen read the same)
        what = "other words for the same result" if words_only else "a different result"
        gives = "this version of the app gives" if same else "today's evidence gives"
        self._state(f"Saved under evidence {saved.evidence_version}: {gives} {what}. "
                    "Both are shown."
                    + (f" Today's result: {flags}." if flags else ""), "#8b0000")
        changed = "".join(f"<li>{escape(d)}</li>" for d in differences)
        gives = ("This version of the app gives the same answers" if same else
                 f"Today's evidence ({today}) gives")
        self.browser.setHtml(
            _box(f"<b>This case was saved under evidence {saved_version}.</b> {gives} "
                 f"{what}. Both are shown below: "
                 f"first today's result, then the result as saved."
                 + (f"<ul>{changed}</ul>" if changed else ""), "#fdecea", "#c62828")
            + _heading(f"Today's result (evidence {today})")
            + result_html(current)
            + _heading(f"Result as saved (evidence {saved_version})")
            + result_html(saved, "saved"))
        self._saved = saved

    def _anchor(self, url: QUrl) -> None:
        text = url.toString()
        scheme, _, rest = text.partition(":")
        statement_id, _, n = rest.rpartition(":")
        if scheme == "saved" and self._saved is not None and n.isdigit():
            self.citation.setHtml(saved_citation_html(self._saved, statement_id, int(n)))
            self.citation.show()
        elif scheme == "cite" and self.store is not None and n.isdigit():
            self.show_citation(statement_id, int(n))

    def show_citation(self, statement_id: str, n: int) -> None:
        if self.store is not None:
            self.citation.setHtml(citation_html(self.store, statement_id, n))
            self.citation.show()
