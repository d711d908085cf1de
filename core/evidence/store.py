"""Opening the evidence store read-only, verifying it, and looking things up.

Nothing is recommended from a store that fails :func:`open_store`'s checks: the
file must exist, pass SQLite's integrity check, hold the expected tables, and its
content must hash to the SHA-256 recorded inside it.

Only the standard library's ``sqlite3`` is used here (sqlite-utils is needed only to
build a store), and only when a file is opened: a store handed over by
:mod:`.early`'s child process is used without loading SQLite until the first search.
"""

import json
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NamedTuple
from urllib.parse import quote

import resources
from core.evidence.errors import EvidenceError as EvidenceError  # re-exported
from core.evidence.sources import STATEMENT_COLUMNS, STORE_FORMAT, content_sha256
from core.evidence.supplements import ChangelogEntry, Harm, changelog_entries
from core.evidence.terms import SearchPlan, SearchTerms

if TYPE_CHECKING:
    import sqlite3

    from core.evidence.manifest import PackInfo

_TABLES: Final = {
    "meta": ("key", "value"),
    "refs": ("n", "short", "citation", "confidence"),
    "statements": STATEMENT_COLUMNS,
    "figures": ("id", "trial", "measure", "value", "context", "citation", "used_by"),
}
_ORDER_BY: Final = {"meta": "key", "refs": "n", "statements": "id", "figures": "id"}


# NamedTuple, not a dataclass: see the note in core.case (start-up time).
class Reference(NamedTuple):
    n: int
    short: str
    citation: str
    confidence: str


class Statement(NamedTuple):
    id: str
    kind: str
    order: int
    severity: str | None
    title: str
    text: str
    rationale: tuple[str, ...]
    citations: tuple[int, ...]
    source: tuple[str, ...]
    extra: dict[str, Any]


class Figure(NamedTuple):
    id: str
    trial: str
    measure: str
    value: str
    context: str
    citation: int
    used_by: tuple[str, ...]


class SearchHit(NamedTuple):
    statement: Statement
    snippet: str


class SearchResult(NamedTuple):
    """What :meth:`EvidenceStore.find` found: the hits, how the query was read, and
    whether no statement held every word, so the hits hold only some (``partial``)."""

    hits: list[SearchHit]
    plan: SearchPlan
    partial: bool


def default_store_path() -> Path:
    """The store shipped with the application."""
    return Path(resources.__file__).parent / "evidence.sqlite"


class EvidenceStore:
    """A verified store, loaded into memory (it is small), searched there too."""

    def __init__(self, path: Path, content: dict[str, Any]) -> None:
        self.path = path
        #: the verified rows the store was made from (what :mod:`.early` hands over)
        self.content = content
        meta = {row["key"]: row["value"] for row in content["meta"]}
        self.version: str = meta["version"]
        self.sha256: str = meta["sha256"]
        self.title: str = meta.get("title", "")
        #: publication year of the newest reference: the evidence's currency, which its
        #: version (a release number) is not
        self.sources_through: int = int(meta["sources_through"])
        #: what changed in each release of the evidence, and why (newest first)
        self.changelog: tuple[ChangelogEntry, ...] = changelog_entries(meta.get("changelog"))
        self._synonyms: str | None = meta.get("synonyms")
        # Set by core.evidence.pack.verify_pack once the pack's signature has verified
        self.pack: PackInfo | None = None
        # Why an installed pack was passed over for this one, if it was
        self.notice: str | None = None
        #: an installed pack that should be in use was passed over because it (or the
        #: machine folder's state) failed its check or could not be read, not merely
        #: because it is older than the bundled one (``evidence verify`` exits 3)
        self.installed_pack_failed = False
        self._fts: sqlite3.Connection | None = None  # see _index
        self.references: dict[int, Reference] = {
            r["n"]: Reference(r["n"], r["short"], r["citation"], r["confidence"])
            for r in content["refs"]
        }
        self.statements: dict[str, Statement] = {
            s["id"]: Statement(
                id=s["id"], kind=s["kind"], order=s["ord"], severity=s["severity"],
                title=s["title"], text=s["text"],
                rationale=tuple(json.loads(s["rationale"])),
                citations=tuple(json.loads(s["citations"])),
                source=tuple(json.loads(s["source"])),
                extra=json.loads(s["extra"]),
            )
            for s in content["statements"]
        }
        self.figures: dict[str, Figure] = {
            f["id"]: Figure(f["id"], f["trial"], f["measure"], f["value"], f["context"],
                            f["citation"], tuple(json.loads(f["used_by"])))
            for f in content["figures"]
        }

    def harms(self, statement_id: str) -> tuple[Harm, ...]:
        """The harms an option lists (empty for other statements)."""
        return tuple(Harm(h["id"], h["text"], h["plain"], tuple(h["citations"]), h["basis"])
                     for h in self.statements[statement_id].extra.get("harms", ()))

    def of_kind(self, kind: str) -> list[Statement]:
        """Statements of one kind, in their table order."""
        return sorted((s for s in self.statements.values() if s.kind == kind),
                      key=lambda s: s.order)

    @cached_property
    def terms(self) -> SearchTerms:
        """The synonym table, read at the first search (start-up never searches)."""
        return SearchTerms.from_json(self._synonyms)

    def search_plan(self, query: str) -> SearchPlan:
        """How ``query`` is searched: synonyms applied, drugs outside the source named."""
        return self.terms.plan(query)

    def _index(self) -> "sqlite3.Connection":
        """The full-text index, built in memory from the verified rows at the first
        search: what is searched is what was checked, even if the file is replaced
        while the app runs (an upgrade under an open window, say). Built by
        :func:`write_index`, as the shipped file's is, so the same hits in the same
        order."""
        if self._fts is None:
            import sqlite3

            conn = sqlite3.connect(":memory:", check_same_thread=False)
            write_index(conn, self.content["statements"])
            self._fts = conn
        return self._fts

    def search(self, query: str, limit: int | None = None) -> list[SearchHit]:
        """Full-text search over statement titles, texts, rationales, harms and the
        source's own words each statement quotes.

        Words are matched as prefixes and all must occur; a synonym of the evidence's
        table matches any of the words the statements use for it; a query naming only
        drugs the source does not cover, or topics it does not discuss, finds nothing;
        an empty query lists all. ``limit``: at most that many hits, best first (None:
        every statement that matches, as the empty query lists every statement).
        """
        return self._search(self.search_plan(query), limit)

    def find(self, query: str, limit: int | None = None) -> SearchResult:
        """:meth:`search`, and when no statement holds every word of a query of several,
        the statements that hold some of them, closest first (``partial``): a question
        in plain words ("what after progression on trastuzumab") finds something."""
        plan = self.search_plan(query)
        hits = self._search(plan, limit)
        if hits or not plan.any_match or plan.any_match == plan.match:
            return SearchResult(hits, plan, partial=False)
        hits = self._matching(plan.any_match, limit)
        return SearchResult(hits, plan, partial=bool(hits))

    def _search(self, plan: SearchPlan, limit: int | None) -> list[SearchHit]:
        if not plan.match:
            if plan.outside or plan.unsearchable:
                return []
            return [SearchHit(s, s.text) for s in
                    sorted(self.statements.values(), key=lambda s: (s.kind, s.order))][:limit]
        return self._matching(plan.match, limit)

    def _matching(self, match: str, limit: int | None) -> list[SearchHit]:
        import sqlite3

        try:
            rows = self._index().execute(
                "SELECT id, snippet(statements_fts, -1, '[', ']', '…', 16) "
                "FROM statements_fts WHERE statements_fts MATCH ? ORDER BY rank LIMIT ?",
                (match, -1 if limit is None else limit),  # (SQLite: -1, no limit)
            ).fetchall()
        except sqlite3.Error as exc:
            raise EvidenceError(f"{self.path}: search failed: {exc}") from None
        return [SearchHit(self.statements[sid], snip) for sid, snip in rows]


def index_rows(statements: list[dict[str, Any]]) -> list[tuple[str, str, str, str, str, str]]:
    """What the full-text index holds for each statement, in id order: its text, its
    rationale, the clinician's text of each harm it lists (clinical audit 4, finding
    11: "cardiac" found nothing, though every option's harms speak of the heart), the
    source's own words it quotes (search review, finding 1: the source's caution against
    giving endocrine therapy and chemotherapy "simultaneously" was found only by the
    statement's paraphrase) and its title. Plain text: the rationale, the harms and the
    quotes are JSON in the store. (The title comes last: a snippet is taken from the
    column that matches best, the first of those that match equally well, and the list
    already shows the title.)"""
    return [(r["id"], r["text"], " ".join(json.loads(r["rationale"])),
             " ".join(h["text"] for h in json.loads(r["extra"]).get("harms", ())),
             " ".join(json.loads(r["source"])), r["title"])
            for r in sorted(statements, key=lambda r: r["id"])]


def write_index(conn: "sqlite3.Connection", statements: list[dict[str, Any]]) -> None:
    """Create the table ``statements_fts`` (FTS5, porter stemming; the column ``id``
    is not searched) and fill it from the statement rows: the shipped file's index
    (:mod:`.build`) and the one search uses (:meth:`EvidenceStore.search`)."""
    conn.execute("CREATE VIRTUAL TABLE statements_fts USING fts5("
                 "id UNINDEXED, text, rationale, harms, source, title, tokenize='porter')")
    conn.executemany("INSERT INTO statements_fts VALUES (?, ?, ?, ?, ?, ?)",
                     index_rows(statements))


def _connect(path: Path) -> "sqlite3.Connection":
    import sqlite3

    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    return sqlite3.connect(uri, uri=True)


def read_content(conn: "sqlite3.Connection") -> dict[str, Any]:
    """Every row of the hashed tables, ordered, as dicts."""
    import sqlite3

    conn.row_factory = sqlite3.Row
    content: dict[str, Any] = {}
    for table, columns in _TABLES.items():
        cols = ", ".join(columns)
        rows = conn.execute(f"SELECT {cols} FROM {table} ORDER BY {_ORDER_BY[table]}")
        content[table] = [dict(row) for row in rows]
    return content


def open_store(path: Path | None = None) -> EvidenceStore:
    """Open and verify a store; raise :class:`EvidenceError` saying what is wrong."""
    path = Path(path) if path is not None else default_store_path()
    if not path.exists():
        raise EvidenceError(f"evidence store not found: {path}")
    if not path.is_file():
        raise EvidenceError(f"evidence store is not a file: {path}")
    import sqlite3

    try:
        conn = _connect(path)
    except sqlite3.Error as exc:
        raise EvidenceError(f"evidence store cannot be opened: {path}: {exc}") from None
    try:
        try:
            check = conn.execute("PRAGMA integrity_check").fetchall()
            if check != [("ok",)]:
                raise EvidenceError(f"evidence store is corrupt: {path}: {check[0][0]}")
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            missing = [t for t in _TABLES if t not in names]
            if missing:
                raise EvidenceError(
                    f"not an evidence store: {path}: table {missing[0]!r} is missing"
                )
            content = read_content(conn)
        except sqlite3.Error as exc:
            raise EvidenceError(f"evidence store is corrupt or unreadable: {path}: {exc}") from None
    finally:
        conn.close()
    return _verified(path, content)


def _verified(path: Path, content: dict[str, Any]) -> EvidenceStore:
    meta = {row["key"]: row["value"] for row in content["meta"]}
    if meta.get("format") != STORE_FORMAT:
        raise EvidenceError(f"not an evidence store: {path}: format {meta.get('format')!r}")
    recorded = meta.get("sha256")
    if not recorded or "version" not in meta:
        raise EvidenceError(f"evidence store has no version or checksum: {path}")
    hashed = {
        "meta": {k: v for k, v in meta.items() if k != "sha256"},
        "refs": content["refs"],
        "statements": content["statements"],
        "figures": content["figures"],
    }
    actual = content_sha256(hashed)
    if actual != recorded:
        raise EvidenceError(
            f"evidence store has been altered: {path}: content SHA-256 {actual[:12]}… "
            f"does not match the recorded {recorded[:12]}…"
        )
    try:
        return EvidenceStore(path, content)
    except (KeyError, ValueError, TypeError) as exc:
        raise EvidenceError(f"evidence store content is malformed: {path}: {exc}") from None
