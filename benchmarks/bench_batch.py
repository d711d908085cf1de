"""Benchmark: ``recommend --batch`` over 100,000 generated cases against a plain
``json`` parse-and-dump of the same lines, in the same run.

    python benchmarks/bench_batch.py [--cases 100000] [--repeat 3]

Both run as separate processes (start-up included), alternately, and the medians
are compared. Target: the batch within 3x of the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASELINE = """
import json, sys
out = sys.stdout
buf = []
for raw in open(sys.argv[1], "rb"):
    buf.append(json.dumps(json.loads(raw)))
    if len(buf) >= 4096:
        out.write("\\n".join(buf) + "\\n"); buf.clear()
out.write("\\n".join(buf) + "\\n")
"""


def generate(n: int, seed: int = 20261126) -> list[str]:
    """Cases over every field, mostly in scope, as a clinic's batch would hold."""
    rnd = random.Random(seed)
    pick, coin = rnd.choice, lambda: rnd.random() < 0.5
    lines = []
    for i in range(n):
        setting = pick(["first_line", "after_induction", "progression"])
        case: dict[str, object] = {
            "format": "hrher2-aid.case/1",
            "label": f"case {i}",
            "receptors": {"hr": "positive" if rnd.random() < 0.9 else pick(["negative", "unknown"]),
                          "her2": "positive" if rnd.random() < 0.9 else
                          pick(["negative", "equivocal", "unknown"])},
            "menopausal_status": pick(["postmenopausal", "premenopausal", "unknown"]),
            "setting": setting,
            "disease": {"visceral": coin(), "symptomatic": coin(),
                        "visceral_crisis": rnd.random() < 0.1,
                        "rapidly_progressive": rnd.random() < 0.2},
            "chemotherapy": {"contraindicated": rnd.random() < 0.2, "declined": rnd.random() < 0.1,
                             "months_given": round(rnd.uniform(0, 12), 1),
                             "maximal_response": coin(),
                             "unacceptable_toxicity": rnd.random() < 0.1},
            "endocrine_responsive": pick(["yes", "no", "unknown"]),
            "her2_therapy": {"unacceptable_toxicity": rnd.random() < 0.1},
            "planned_regimen": None if rnd.random() < 0.3 else
            {"chemotherapy": coin(), "endocrine": coin(), "her2_targeted": coin()},
        }
        lines.append(json.dumps(case))
    return lines


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True, cwd=ROOT,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cases.jsonl"
        path.write_text("\n".join(generate(args.cases)) + "\n", encoding="utf-8")
        batch_cmd = [sys.executable, "-m", "desktop", "recommend", "--batch", str(path)]
        base_cmd = [sys.executable, "-c", BASELINE, str(path)]
        batch, base = [], []
        for _ in range(args.repeat):
            batch.append(timed(batch_cmd))
            base.append(timed(base_cmd))
        out = subprocess.run(batch_cmd, capture_output=True, check=True, cwd=ROOT).stdout
    lines = out.count(b"\n")
    b, p = statistics.median(batch), statistics.median(base)
    print(f"cases: {args.cases:,} ({lines:,} result lines, {len(out) / 1e6:.1f} MB out)")
    print(f"recommend --batch: median {b:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in batch)})")
    print(f"json parse+dump:   median {p:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in base)})")
    print(f"ratio: {b / p:.2f}x  (target: within 3x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
