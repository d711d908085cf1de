"""What the patient handout says: every sentence, in order, with no layout.

The plain-language texts come with the :class:`~core.result.Result` (the evidence
store's ``plain*`` fields of each statement, gathered by the renderer); this module
reads nothing else, and only adds the framing sentences, which say what the sheet
is and is not, and are written to the same reading grade. Two sentences of the
evidence's words are made exact from the case's answers (:func:`as_recorded`). Each
option is shown the same way: what it involves, then what may help and what is less
certain side by side with equal weight. Nothing here tells the patient what to do.

:func:`handout_paragraphs` is the single list of what the sheet says; the PDF is
laid out from it (:mod:`core.report.handout`) and the reading-grade test measures
it, so the two cannot drift. A clinical reviewer reads this module; the layout is
elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from core.answer_checks import chemo_done, chemo_not_possible
from core.case import Case
from core.evidence.currency import plain_currency_sentence
from core.report.errors import ReportError
from core.report.template import DocumentInfo, plain_date
from core.result import Plain, Result

TITLE: Final = "Treatment choices: a summary for you"
# The decision, in one plain sentence, by setting (IPDAS: state the decision first).
DECISION: Final = {
    "first_line": "The decision: which first treatment to have for breast cancer that has "
                  "spread.",
    "after_induction": "The decision: what comes next, now that chemo with HER2 drugs has "
                       "been given for a time.",
    "progression": "The decision: what to have next, now that the cancer has grown.",
}
# Out of scope: a negative receptor settles it (the aid does not apply); an equivocal or
# unknown one may change once testing is complete (contract 1.1, Scope).
DECISION_OUT_OF_SCOPE: Final = ("The decision: how to treat this breast cancer. This sheet "
                                "says why the decision aid does not apply to it.")
DECISION_NOT_YET: Final = ("The decision: how to treat this breast cancer. This sheet says "
                           "why the decision aid cannot help with it yet.")
INTRO: Final = (
    "This sheet was made by your care team with a decision aid. It sums up, in plain "
    "words, what a guide says about this kind of breast cancer. It is a "
    "starting point for a talk with your care team. It does not list doses or schedules."
)
# Out of scope the guide says nothing about this cancer: "what a guide says about this
# kind of breast cancer" would contradict the next heading (day review 3, C5).
INTRO_OUT_OF_SCOPE: Final = (
    "This sheet was made by your care team with a decision aid. The aid sums up, in "
    "plain words, what a guide says about one kind of breast cancer. It is a starting "
    "point for a talk with your care team."
)
SCOPE_HEADING: Final = "This aid does not apply to this case"
#: an equivocal or unknown receptor: as the lead says, not yet (texts21, L6)
SCOPE_HEADING_NOT_YET: Final = "This aid cannot help with this case yet"
SCOPE_END: Final = "Because of this, the sheet lists no treatment choices."
CONSIDER_FALLBACK: Final = "The guide says this choice can be considered."
BENEFITS_HEAD: Final = "What may help"
HARMS_HEAD: Final = "What may harm"
UNCERTAIN_HEAD: Final = "What is less certain"
PLANNING_HEAD: Final = "What your team is planning"
GUIDE_PLAN_HEAD: Final = "What the guide advises about timing"
ABOUT_HEAD: Final = "About this sheet"
MAKERS: Final = (
    "The decision aid, hrher2-aid, was written by its own small team of software makers. "
    "It carries no sponsorship: no drug company or other sponsor paid for it or had a say "
    "in what it says."
)
SOURCES_NOTE: Final = "Numbers in square brackets, such as [{n}], point to these sources:"
#: papers named on the sheet by author and year (texts21, L5: not in its source list)
NAMED_PAPERS_NOTE: Final = ("The {papers} named on this sheet ({names}) {are} not in this "
                            "list: {they} that these sources describe. Your "
                            "care team's summary says where to find {them}.")
CONTACT_HEAD: Final = "Your care team"
CONTACT_LINES: Final = ("Name", "Phone", "Email", "Next visit")
QUESTIONS_TEXT: Final = "This space is for questions to bring up with the care team."
QUESTION_LINES: Final = 10  # ruled lines under it, at most
CLOSING: Final = "The care team has a longer summary that lists the sources in full."

# Cautions that are about the planned regimen: the handout shows them with the plan, so
# the plan and what is said about it stand together and never contradict each other.
PLAN_CAUTIONS: Final = frozenset({
    "avoid_et_alone", "ai_alone_short_pfs", "no_concurrent_et_chemo", "omits_her2_targeted",
    "chemo_too_short", "continue_her2_until_progression", "premenopausal_endocrine",
    "et_alone_selected_patients", "outside.no_systemic_therapy",
})
# Outside-source entries about an option itself: the handout shows them with the option,
# where the guide's words about it are read (a patient who cannot have chemo reads "when
# chemo is not needed right away" there, not pages later).
OPTION_NOTES: Final = {"et_her2": ("outside.et_her2_chemo_not_possible",)}
# A planned regimen in plain words: (chemotherapy, endocrine, HER2-targeted).
PLAN_WORDS: Final = {
    (True, False, True): "chemo with HER2 drugs",
    (False, True, True): "hormone therapy with HER2 drugs, and no chemo",
    (False, True, False): "hormone therapy alone",
    (True, False, False): "chemo alone, without HER2 drugs",
    (True, True, True): "chemo, hormone therapy and HER2 drugs, all at the same time",
    (True, True, False): "chemo and hormone therapy at the same time, without HER2 drugs",
    (False, False, True): "HER2 drugs alone",
    (False, False, False): "no cancer drugs",
}


#: the evidence's words for "chemo is not possible" (a statement is the same for every
#: case, so it gives both answers that lead to it); the handout says which was recorded
CHEMO_NOT_POSSIBLE: Final = ("Your care team has noted that chemo is not safe for you, or "
                             "that you have chosen not to have it.")
#: the statements that begin with those words
CHEMO_NOT_POSSIBLE_IDS: Final = ("outside.multidisciplinary_review",
                                 "outside.et_her2_chemo_not_possible")
#: the evidence's words for "chemo is done" (a maximal response, or chemo stopped for its
#: side effects: the same words for both), in the status sentence of maintenance
CHEMO_DONE: Final = "From your care team's answers, this aid counts chemo as done."
CHEMO_DONE_ID: Final = "her2_et_maintenance"


def as_recorded(case: Case, result: Result) -> Result:
    """``result`` with two of the evidence's sentences that serve either of two answers
    said as recorded: the one answer given, or both. "Chemo is not safe for you, or you
    have chosen not to have it" (review A, L3: beside the plan's "you have chosen not to
    have chemo", the "or" read as if unknown), and "this aid counts chemo as done"
    (which answer made it so: the patient could not tell). A statement worded otherwise
    is left as it is (it is still true, only less exact)."""
    not_possible = [plain for _clinician, plain in chemo_not_possible(case)]
    done = chemo_done(case)
    if not (not_possible or done):
        return result

    def exact(sid: str, words: Plain) -> Plain:
        if sid in CHEMO_NOT_POSSIBLE_IDS and not_possible:
            said = f"Your care team has noted that {' and that '.join(not_possible)}."
            words = words._replace(text=words.text.replace(CHEMO_NOT_POSSIBLE, said, 1))
        if sid == CHEMO_DONE_ID and done:
            said = (f"Your care team has noted that {' and that '.join(done)}, so this aid "
                    "counts chemo as done.")
            words = words._replace(strength=words.strength.replace(CHEMO_DONE, said, 1))
        return words

    return result._replace(plain=tuple((sid, exact(sid, words)) for sid, words in result.plain))


@dataclass(frozen=True, slots=True)
class Block:
    """One piece of the handout: ``kind`` is title, lead, meta, h2, h3, p, bullet, pair,
    source, contact or questions; ``pair`` carries benefits, harms and uncertainties."""

    kind: str
    text: str = ""
    benefits: tuple[str, ...] = ()
    uncertainties: tuple[str, ...] = ()
    harms: tuple[str, ...] = ()

    def prose(self) -> list[str]:
        """The sentences a reader reads (what the reading grade is measured on)."""
        if self.kind in ("meta", "source", "contact"):
            return []  # names, dates, citations, form labels: not prose
        if self.kind == "pair":
            return [BENEFITS_HEAD + ".", *map(_unmarked, self.benefits), HARMS_HEAD + ".",
                    *map(_unmarked, self.harms), UNCERTAIN_HEAD + ".",
                    *map(_unmarked, self.uncertainties)]
        text = _unmarked(self.text)
        return [text if text.endswith((".", ":", "?")) else text + "."]

    def markers(self) -> set[int]:
        """The source numbers this block marks (never read from names or labels)."""
        if self.kind not in ("p", "bullet", "pair"):
            return set()
        found = set()
        for text in (self.text, *self.benefits, *self.harms, *self.uncertainties):
            marker = _MARKER.search(text)
            if marker:
                found |= {int(n) for n in marker.group(1).split(", ")}
        return found


_MARKER: Final = re.compile(r" \[(\d+(?:, \d+)*)\]$")


def _unmarked(text: str) -> str:
    """A text without its citation marker (markers are not words to read)."""
    return text.rsplit(" [", 1)[0] if text.endswith("]") else text


def _cites(citations: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(n) for n in citations) + "]"


def _marked(result: Result, sid: str, text: str) -> str:
    """``text`` (the plain words of statement ``sid``) with the statement's sources, as
    the summary cites them; points outside the source carry none."""
    for item in (*result.options, *result.plan, *result.cautions):
        if item.id == sid and item.citations:
            return f"{text} {_cites(item.citations)}"
    return text


def _words(result: Result, sid: str) -> Plain:
    words = result.plain_for(sid)
    if words is None:
        raise ReportError(f"the evidence store has no plain-language text for {sid!r}")
    return words


def _option_words(result: Result, sid: str) -> Plain:
    words = _words(result, sid)
    for key, value in (("plain_title", words.title), ("plain_benefits", words.benefits),
                       ("plain_uncertainties", words.uncertainties),
                       ("plain_harms_note", words.harms_note)):
        if not value:
            raise ReportError(f"the evidence store has no plain-language text {key!r} "
                              f"for {sid!r}")
    return words


def _option_blocks(result: Result) -> list[Block]:
    blocks = [Block("h2", "The treatment choices")]
    if result.options:
        blocks.append(Block("p", "Each choice is set out the same way: what it involves, "
                                 "what may help, what may harm, and what is less certain."))
    else:
        blocks.append(Block("p", "This aid lists no treatment choice from the guide "
                                 "for this case. The reasons are below."))
    for option in result.options:
        words = _option_words(result, option.id)
        harms = tuple(f"{h.plain} {_cites(h.citations)}" for h in option.harms)
        blocks += [Block("h3", words.title), Block("p", words.strength or CONSIDER_FALLBACK),
                   Block("p", _marked(result, option.id, words.text)),
                   *(Block("p", _words(result, sid).text)
                     for sid in _option_notes(result, option.id)),
                   Block("pair", benefits=words.benefits, uncertainties=words.uncertainties,
                         harms=(*harms, words.harms_note))]
    return blocks


def _option_notes(result: Result, option_id: str) -> list[str]:
    return [sid for sid in OPTION_NOTES.get(option_id, ()) if sid in result.outside_ids]


def option_note_ids(result: Result) -> list[str]:
    """The outside-source entries shown with an option of the result (OPTION_NOTES)."""
    return [sid for o in result.options for sid in _option_notes(result, o.id)]


def _plan_key(case: Case, result: Result) -> tuple[bool, bool, bool] | None:
    regimen = case.planned_regimen
    if regimen is None or result.plan_matches is None:
        return None
    return (regimen.chemotherapy, regimen.endocrine, regimen.her2_targeted)


def plan_note_ids(case: Case, result: Result) -> list[str]:
    """The cautions and outside-source entries that are about the planned regimen, in
    the result's order (shown with the plan; empty without a plan)."""
    key = _plan_key(case, result)
    if key is None:
        return []
    about_plan = set(PLAN_CAUTIONS)
    if key == (False, True, True):  # "needs selection" is then about this very plan
        about_plan.add("et_her2_needs_selection")
    return [sid for sid in (*(c.id for c in result.cautions), *result.outside_ids)
            if sid in about_plan]


def planning_blocks(case: Case, result: Result) -> list[Block]:
    """What your team is planning: the planned regimen in plain words, which choice it
    is (from ``plan_matches``), where it goes against another answer of the care team's
    (the answer checks), and what the guide says about it. Empty without a plan."""
    key = _plan_key(case, result)
    if key is None or result.plan_matches is None:
        return []
    notes = plan_note_ids(case, result)
    blocks = [Block("h2", PLANNING_HEAD),
              Block("p", f"Your care team is thinking about {PLAN_WORDS[key]}."),
              Block("p", _choice_line(result, bool(notes)))]
    # the plan against the care team's own notes (texts21, M1-M4), then what the guide
    # says of it, announced straight before its points (review 21, L2)
    blocks += [Block("p", text) for text in _check_paragraphs(result)]
    if notes and not result.plan_matches:
        blocks.append(Block("p", "The points below say how this plan differs from the guide."
                            if result.options else "The points below say more about this plan."))
    blocks += [Block("bullet", _marked(result, sid, _words(result, sid).text))
               for sid in notes]
    return blocks


#: after the last answer check: the care team is named, as elsewhere on the sheet; the
#: sheet tells the patient nothing to do (review 22, M1: "Ask your care team about it")
MORE_FROM_CARE_TEAM: Final = "Your care team can tell you more about {}."


def _check_paragraphs(result: Result) -> list[str]:
    """The answer checks' plain words, and once, after the last, that the care team can
    tell more (review 21, L3: an ask was printed after each)."""
    texts = [check.plain for check in result.answer_checks]
    if not texts:
        return []
    about = {1: "this", 2: "both"}.get(len(texts), "each of them")
    return texts[:-1] + [f"{texts[-1]} {MORE_FROM_CARE_TEAM.format(about)}"]


#: a plan that is none of the choices: the choices are this aid's list, which is not
#: all the guide allows (review A, H1: HER2 drugs alone after chemo, which the guide's
#: "HER2-targeted therapy should continue" covers, was "not one of the choices the guide
#: offers"); where the plan goes against the guide, the points after it say so
NOT_A_LISTED_CHOICE: Final = "This is not one of the choices listed above."
NO_CHOICE_LISTED: Final = "No choice is listed above to compare it with."


def _choice_line(result: Result, notes: bool) -> str:
    """Which of the listed choices the plan is, if any; ``notes``: points about the plan
    follow."""
    if result.plan_matches:
        titles = {o.id: _words(result, o.id).title for o in result.options}
        names = " and ".join(f"“{titles[m]}”" for m in result.plan_matches)
        return f"This is the choice called {names} above."
    if not result.options:
        # none to compare with, as the summary's plan check says, so nothing to differ
        # from (the points below, if any, only say more)
        return NO_CHOICE_LISTED
    line = NOT_A_LISTED_CHOICE
    if notes or result.answer_checks:  # (the next lines say more, and name the team)
        return line
    # nothing below says more: the source may simply be silent on it (texts21, M2, M9),
    # and the plan is one the team is thinking about, not yet chosen (review 21, M3)
    return line + " Your care team can tell you why they are thinking about it."


def handout_paragraphs(case: Case, result: Result,
                       info: DocumentInfo | None = None) -> list[Block]:
    """Everything the handout says, in order."""
    info = info or DocumentInfo()
    result = as_recorded(case, result)
    by = ", ".join(x for x in (info.clinician, info.institution) if x)
    label = case.label if info.label_on_handout and case.label else ""
    scope_heading = SCOPE_HEADING
    if result.in_scope:
        lead = DECISION[case.setting]
    elif any(sid.endswith("_negative") for sid in result.scope_ids):
        lead = DECISION_OUT_OF_SCOPE
    else:
        lead, scope_heading = DECISION_NOT_YET, SCOPE_HEADING_NOT_YET
    blocks = [Block("title", TITLE), Block("lead", lead),
              Block("meta", f"Printed {info.plain_date_text()}" + (f" by {by}" if by else "")
                    + (f" · Case: {label}" if label else "")),
              Block("p", INTRO if result.in_scope else INTRO_OUT_OF_SCOPE)]
    if not result.in_scope:
        blocks.append(Block("h2", scope_heading))
        blocks += [Block("p", _words(result, sid).text) for sid in result.scope_ids]
        blocks.append(Block("p", SCOPE_END))
    else:
        blocks += _option_blocks(result) + planning_blocks(case, result)
        # already said with the plan, or with an option
        shown = set(plan_note_ids(case, result)) | set(option_note_ids(result))
        said = [_words(result, sid).text for sid in shown]
        sections = (
            (GUIDE_PLAN_HEAD, [p.id for p in result.plan]),
            ("More points to know", [c.id for c in result.cautions if c.id not in shown]),
            ("What the guide does not cover",
             [o for o in result.outside_ids if o not in shown]),
        )
        for heading, ids in sections:
            # A point whose every word was already said (a premenopausal patient's plan
            # note says all that the menopause entry says) is not printed twice.
            texts = [(sid, t) for sid, t in ((sid, _words(result, sid).text) for sid in ids)
                     if not any(t in earlier for earlier in said)]
            if texts:
                blocks.append(Block("h2", heading))
                blocks += [Block("bullet", _marked(result, sid, text)) for sid, text in texts]
                said += [text for _sid, text in texts]
    marked = set().union(*(b.markers() for b in blocks))
    blocks += _about_blocks(result, info, marked, named_papers(handout_text(blocks)))
    return blocks


def named_papers(prose: str) -> list[str]:
    """The papers a text names by author and year, in order, once each.

    >>> named_papers("In one trial (Kaufman 2009), ... (Swain 2013). (Kaufman 2009)")
    ['Kaufman 2009', 'Swain 2013']
    """
    return list(dict.fromkeys(re.findall(r"\(([A-Z][a-z]+ (?:19|20)\d\d)\)", prose)))


def named_papers_note(papers: Sequence[str]) -> str:
    """The line on the papers a sheet names, in the singular for one (review 21, L1).

    >>> named_papers_note(["Swain 2013"])[:60]
    'The paper named on this sheet (Swain 2013) is not in this li'
    """
    one = len(papers) == 1
    return NAMED_PAPERS_NOTE.format(
        names=", ".join(papers), papers="paper" if one else "papers",
        are="is" if one else "are", they="it reports a trial" if one else "they report trials",
        them="it" if one else "them")


def _about_blocks(result: Result, info: DocumentInfo, marked: set[int],
                  papers: Sequence[str] = ()) -> list[Block]:
    """About this sheet; its source list is the sources this sheet marks, no more, and
    the papers it names, which that list does not hold, are said to be elsewhere."""
    blocks = [Block("h2", ABOUT_HEAD),
              Block("p", f"This sheet was printed on {plain_date(info.when)}. "
                         + plain_currency_sentence(result.evidence_sources_through)),
              Block("p", MAKERS)]
    if result.references:  # (the summary lists none when the guide offers nothing)
        blocks.append(Block("p", CLOSING))
    sources = [(n, citation) for n, citation in result.references if n in marked]
    if sources:
        blocks.append(Block("meta", SOURCES_NOTE.format(n=sources[0][0])))
        blocks += [Block("source", f"[{n}] {citation}") for n, citation in sources]
        if papers:
            blocks.append(Block("meta", named_papers_note(papers)))
    blocks += [Block("h2", CONTACT_HEAD), Block("contact"),
               Block("h2", "Your questions"), Block("questions", QUESTIONS_TEXT)]
    return blocks


def handout_text(blocks: list[Block]) -> str:
    """The handout's prose as one text (for measuring its reading grade)."""
    return " ".join(s for b in blocks for s in b.prose())
