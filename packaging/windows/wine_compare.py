"""Compare what the Windows build printed and wrote under Wine with the Linux run.

Used by packaging/windows/check-under-wine.sh (with the checkout's Linux Python, which
has the test dependencies, pypdf among them):

    python wine_compare.py json LINUX.json WINDOWS.json      # recommend output
    python wine_compare.py jsonl LINUX.jsonl WINDOWS.jsonl   # recommend --batch output
    python wine_compare.py pdf LINUX.pdf WINDOWS.pdf         # report output
    python wine_compare.py startup RUNS NAME=CMD... -- ...   # start-up timing

JSON: equal after dropping fields that name a file path (key "path"). PDF: each passes
the checks the Linux report gets (a PDF, every font embedded, title and author set)
and both have the same pages, the same text on each page and the same document
information apart from when each was made. Exit 1 with the differences on stdout when not.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the checkout it checks
from core.report.template import PRINTED_WHEN  # noqa: E402 - after the path above


def without_paths(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_paths(v) for k, v in value.items() if k != "path"}
    if isinstance(value, list):
        return [without_paths(v) for v in value]
    return value


def compare_json(linux: Path, windows: Path, lines: bool) -> list[str]:
    def load(path: Path) -> list[Any]:
        text = path.read_text(encoding="utf-8")
        return [json.loads(x) for x in text.splitlines() if x.strip()] if lines \
            else [json.loads(text)]
    a, b = load(linux), load(windows)
    if len(a) != len(b):
        return [f"{len(a)} results on Linux, {len(b)} under Wine"]
    return [f"result {i + 1} differs" for i, (x, y) in enumerate(zip(a, b, strict=True))
            if without_paths(x) != without_paths(y)]


def masked(text: str) -> str:
    """The text without when the document was made (the two runs may straddle a
    minute), in the patterns the reports print it in."""
    return PRINTED_WHEN.sub("<when>", text)


def pdf_facts(path: Path) -> tuple[list[str], dict[str, str], list[str]]:
    """(text of each page, document information without dates, problems)."""
    from pypdf import PdfReader

    problems = []
    data = path.read_bytes()
    if not data.startswith(b"%PDF-"):
        return [], {}, [f"{path.name}: not a PDF"]
    reader = PdfReader(path)
    info = {k: masked(str(v)) for k, v in (reader.metadata or {}).items() if "Date" not in k}
    for key in ("/Title", "/Author"):
        if not info.get(key):
            problems.append(f"{path.name}: no {key}")
    for number, page in enumerate(reader.pages, 1):
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for name, ref in fonts.items():
            font = ref.get_object()
            descriptors = [font.get("/FontDescriptor")] + [
                d.get_object().get("/FontDescriptor")
                for d in font.get("/DescendantFonts") or []]
            embedded = any(d is not None and any(
                k in d.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                for d in descriptors)
            if not embedded:
                problems.append(f"{path.name} page {number}: font {name} "
                                f"({font.get('/BaseFont')}) not embedded")
    texts = [masked(page.extract_text() or "") for page in reader.pages]
    return texts, info, problems


def compare_pdf(linux: Path, windows: Path) -> list[str]:
    a_text, a_info, a_problems = pdf_facts(linux)
    b_text, b_info, b_problems = pdf_facts(windows)
    problems = a_problems + b_problems
    if len(a_text) != len(b_text):
        problems.append(f"{len(a_text)} pages on Linux, {len(b_text)} under Wine")
    for number, (x, y) in enumerate(zip(a_text, b_text, strict=False), 1):
        if x != y:
            problems.append(f"page {number}: text differs")
    for key in sorted(set(a_info) | set(b_info)):
        if a_info.get(key) != b_info.get(key):
            problems.append(f"{key}: {a_info.get(key)!r} on Linux, {b_info.get(key)!r} under Wine")
    return problems


def startup(runs: int, commands: dict[str, list[str]]) -> None:
    """Alternate the commands; time spawn -> first output line and spawn -> exit."""
    first: dict[str, list[float]] = {n: [] for n in commands}
    total: dict[str, list[float]] = {n: [] for n in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT)
            assert proc.stdout is not None
            line = proc.stdout.readline()
            first[name].append(time.perf_counter() - start)
            rest = proc.stdout.read()
            code = proc.wait()
            total[name].append(time.perf_counter() - start)
            if code != 0:
                raise SystemExit(f"{name} exited {code}: {line!r} {rest[-500:]!r}")
    names = list(commands)
    for name in names:
        print(f"  {name}: to first line {statistics.median(first[name]) * 1000:.0f} ms, "
              f"to exit {statistics.median(total[name]) * 1000:.0f} ms (median of {runs})")
    if len(names) == 2:
        a, b = names
        print(f"  ratio {a}/{b}: to first line "
              f"{statistics.median(first[a]) / statistics.median(first[b]):.2f}x, to exit "
              f"{statistics.median(total[a]) / statistics.median(total[b]):.2f}x")


def main(argv: list[str]) -> int:
    kind = argv[0]
    if kind == "startup":
        commands: dict[str, list[str]] = {}
        current: list[str] | None = None
        for arg in argv[2:]:
            if arg == "--":
                current = None
            elif current is None:
                name, _, first_word = arg.partition("=")
                current = commands[name] = [first_word]
            else:
                current.append(arg)
        startup(int(argv[1]), commands)
        return 0
    linux, windows = Path(argv[1]), Path(argv[2])
    problems = (compare_pdf(linux, windows) if kind == "pdf"
                else compare_json(linux, windows, lines=kind == "jsonl"))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
