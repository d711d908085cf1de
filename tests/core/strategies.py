"""Hypothesis strategies for valid ``hrher2-aid.case/1`` dicts (shared by core tests)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from core.case import HER2_VALUES, HR_VALUES, MENOPAUSAL_VALUES, SETTINGS

bools = st.booleans()


def _maybe(key: str, strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Either omit ``key`` (so its default applies) or give it a value."""
    return st.one_of(st.just({}), strategy.map(lambda v: {key: v}))


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for part in parts:
        merged.update(part)
    return merged


def _obj(*parts: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.tuples(*parts).map(lambda t: _merge(list(t)))


months = st.one_of(
    st.integers(min_value=0, max_value=60),
    st.floats(min_value=0, max_value=60, allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 3.99, 4, 4.0, 5.5, 5.99, 6, 6.0, 60]),
)


@st.composite
def case_dicts(draw: st.DrawFn, in_scope: bool | None = None,
               setting: str | None = None) -> dict[str, Any]:
    """A valid case; ``in_scope``/``setting`` pin those parts when given."""
    if in_scope is True:
        receptors = {"hr": "positive", "her2": "positive"}
    else:
        receptors = {"hr": draw(st.sampled_from(HR_VALUES)),
                     "her2": draw(st.sampled_from(HER2_VALUES))}
        if in_scope is False and receptors == {"hr": "positive", "her2": "positive"}:
            receptors["her2"] = draw(st.sampled_from(("negative", "equivocal", "unknown")))
    chosen = setting or draw(st.sampled_from(SETTINGS))
    disease = draw(_obj(
        bools.map(lambda v: {"visceral": v}), bools.map(lambda v: {"symptomatic": v}),
        _maybe("visceral_crisis", bools), _maybe("rapidly_progressive", bools),
    ))
    chemo_parts = [
        _maybe("contraindicated", bools), _maybe("declined", bools),
        _maybe("unacceptable_toxicity", bools),
    ]
    if chosen == "after_induction":
        chemo_parts += [months.map(lambda v: {"months_given": v}),
                        bools.map(lambda v: {"maximal_response": v})]
    else:
        chemo_parts += [_maybe("months_given", st.one_of(st.none(), months)),
                        _maybe("maximal_response", st.one_of(st.none(), bools))]
    chemotherapy = draw(_obj(*chemo_parts))
    regimen = draw(st.one_of(st.none(), st.fixed_dictionaries(
        {"chemotherapy": bools, "endocrine": bools, "her2_targeted": bools})))
    case: dict[str, Any] = {
        "format": "hrher2-aid.case/1", "receptors": receptors, "setting": chosen,
        "disease": disease,
    }
    optional = draw(_obj(
        _maybe("label", st.one_of(st.none(), st.text(max_size=80))),
        _maybe("menopausal_status", st.sampled_from(MENOPAUSAL_VALUES)),
        _maybe("chemotherapy", st.just(chemotherapy)),
        _maybe("endocrine_responsive", st.sampled_from(("yes", "no", "unknown"))),
        _maybe("her2_therapy", _obj(_maybe("unacceptable_toxicity", bools))),
        _maybe("planned_regimen", st.just(regimen)),
    ))
    case.update(optional)
    if chosen == "after_induction":
        case["chemotherapy"] = chemotherapy
    return case
