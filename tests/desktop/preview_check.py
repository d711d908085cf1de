"""Not collected by a normal run (the name does not start with ``test_``):
``test_evidence_pack.py`` runs it with and without ``--preview-evidence`` in a copy of
the tree whose evidence was edited and rebuilt, but not signed."""

from __future__ import annotations

from typing import Any

from core.evidence import keys
from core.evidence.minisign import parse_public_key
from core.evidence.sources import content_sha256, load_sources
from tests.desktop.drive import open_window


def test_the_window_uses_the_evidence_as_edited(qtbot: Any) -> None:
    window = open_window(qtbot)
    assert window.store is not None, window.evidence_error
    assert window.store.sha256 == content_sha256(load_sources())
    assert window.store.statements["et_her2"].text.startswith("PREVIEWED EDIT. ")
    maintainers = {parse_public_key(k).key_id_hex
                   for k in (keys.CURRENT_KEY_TEXT, keys.NEXT_KEY_TEXT)}
    assert window.store.pack is not None and window.store.pack.key_id not in maintainers
