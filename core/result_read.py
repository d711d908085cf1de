"""Reading a ``hrher2-aid.result/1`` object back into a :class:`~core.result.Result`
(a saved case's result, as it was filed): :meth:`Result.from_dict` is the way in.

What it accepts, every renderer can show: texts stay texts (escaped or looked up where
they are drawn), lists stay lists, and parallel lists keep their length. Anything else
raises an ordinary error here, which ``from_dict`` names as a ResultFormatError.
"""

from collections.abc import Mapping
from typing import Any

from core.evidence import Harm
from core.result import RESULT_FORMAT, Item, Plain, Result


def _boolean(value: object, name: str) -> bool:
    """A JSON true or false ("false" is a string, which ``bool`` reads as true)."""
    if type(value) is not bool:
        raise ValueError(f"{name} must be true or false, not {value!r}")
    return value


def read_result(data: Mapping[str, Any]) -> Result:
    """The fields of a saved result, checked as they are read; :meth:`Result.from_dict`
    turns any error here into a :class:`~core.result.ResultFormatError`."""
    if data.get("format") != RESULT_FORMAT:
        raise ValueError(f"format is {data.get('format')!r}")
    display = data.get("display") or {}
    titles: Mapping[str, str] = display.get("titles", {})

    def cites(entry: Mapping[str, Any]) -> tuple[int, ...]:
        return tuple(int(n) for n in entry["citations"])

    def text(value: object) -> str:
        # stored values are data from a file: whatever they hold is shown as text
        return value if isinstance(value, str) else str(value)

    def texts(value: object, name: str) -> tuple[str, ...]:
        # a list of texts (a text or an object in its place would be read letter by
        # letter, or key by key), each as text: a renderer escapes it or looks it up
        if not isinstance(value, list | tuple):
            raise ValueError(f"{name} is not a list")
        return tuple(text(v) for v in value)

    def item(entry: Mapping[str, Any], **kw: Any) -> Item:
        sid = text(entry.get("id", ""))
        return Item(id=sid, title=text(titles.get(sid, "")), text=text(entry["text"]),
                    citations=cites(entry), **kw)

    strengths: Mapping[str, str] = display.get("strengths", {})
    harms: Mapping[str, list[Mapping[str, Any]]] = display.get("harms", {})

    def harm(h: Mapping[str, Any]) -> Harm:
        return Harm(text(h["id"]), text(h["text"]), text(h["plain"]),
                    tuple(int(n) for n in h["citations"]), text(h["basis"]))

    options = tuple(item(o, status=text(o["status"]),
                         rationale=texts(o.get("rationale", ()), "rationale"),
                         strength=text(strengths.get(text(o.get("id", "")), "")),
                         harms=tuple(harm(h) for h in harms.get(text(o.get("id", "")), ())))
                    for o in data["options"])
    plan = tuple(item(p) for p in data["plan"])
    cautions = tuple(item(c, severity=text(c["severity"])) for c in data["cautions"])
    evidence = data["evidence"]
    plain = tuple((text(sid), Plain(text(p["text"]), text(p.get("title", "")),
                                    texts(p.get("benefits", ()), "benefits"),
                                    texts(p.get("uncertainties", ()), "uncertainties"),
                                    text(p.get("strength", "")), text(p.get("harms_note", ""))))
                  for sid, p in display.get("plain", {}).items())
    outside = texts(data["outside_source"], "outside_source")
    checks = display.get("answer_checks", ())
    if not isinstance(checks, list | tuple):
        raise ValueError("display.answer_checks is not a list")
    if checks:
        from core.answer_checks import AnswerCheck

        checks = tuple(AnswerCheck(text(c["id"]), text(c["text"]), text(c["plain"]))
                       for c in checks)
    # shown side by side with the outside-source entries (the screen and the summary zip
    # titles with texts): a hand-edited row that drops one of them is not a result
    # (explore19, finding 9: a traceback as the case was opened)
    parallel = {name: texts(display.get(name, ()), f"display.{name}")
                for name in ("outside_ids", "outside_titles")}
    for name, values in parallel.items():
        if values and len(values) != len(outside):  # none: a result saved without them
            raise ValueError(f"display.{name} has {len(values)} entries for "
                             f"{len(outside)} outside_source entries")
    return Result(
        in_scope=_boolean(data["in_scope"], "in_scope"),
        scope_reason=None if data["scope_reason"] is None else text(data["scope_reason"]),
        options=options, plan=plan, cautions=cautions,
        outside_source=outside, outside_ids=parallel["outside_ids"],
        references=tuple((int(r["n"]), text(r["citation"])) for r in data["references"]),
        evidence_version=text(evidence["version"]), evidence_sha256=text(evidence["sha256"]),
        evidence_sources_through=int(evidence.get("sources_through") or 0),
        contract=str(data.get("contract", "1.0")),
        plan_matches=None if data.get("plan_matches") is None
        else texts(data["plan_matches"], "plan_matches"),
        case_sha256=data["case_sha256"],
        scope_ids=texts(display.get("scope_ids", ()), "display.scope_ids"),
        outside_titles=parallel["outside_titles"], plain=plain,
        evidence_pack=text(display.get("evidence_pack", "")), answer_checks=tuple(checks),
    )
