"""Prints the quality checker's per-category precision, recall and support on a labelled set.

The set is JSONL, one ``{"id", "text", "mode", "labels": [categories]}`` a line (``[]`` =
clean). A text counts as flagged for a category when the checker finds at least one
finding of that category in it. Only figures and counts are printed, never a text, so a
blind set can be measured without anyone reading it.

Run: ``python bench/quality_checks.py SET.jsonl [--rules-dir DIR]``.

``--loso SET.jsonl ...`` (leave one set out): for each set named by ``--hold`` (default: every
set whose name starts with ``q``), train the learned models (``bench/quality_learned.py``) on
all the other sets, then measure the held-out set with them; the rules stay as shipped.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feedback_writer.quality import check_text  # noqa: E402
from feedback_writer.quality.model import CATEGORIES  # noqa: E402

# The categories a text-only check can find (the others need notes, levels or dates).
TEXT_CATEGORIES = tuple(c for c in CATEGORIES if c not in ("unsupported", "calibration", "recency"))


def measure(path: Path, rules_dir: str | None = None) -> dict[str, dict[str, int]]:
    counts = {c: {"tp": 0, "fp": 0, "fn": 0, "support": 0} for c in TEXT_CATEGORIES}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        mode = "self" if item.get("mode") == "self" else "manager"
        found = {f.category for f in check_text(item["text"], mode=mode, rules_dir=rules_dir)}
        gold = set(item.get("labels") or [])
        for cat, c in counts.items():
            c["support"] += cat in gold
            c["tp"] += cat in gold and cat in found
            c["fp"] += cat not in gold and cat in found
            c["fn"] += cat in gold and cat not in found
    return counts


def report(counts: dict[str, dict[str, int]], texts: int, clean: int) -> str:
    rows = [f"{texts} texts, {clean} labelled clean", ""]
    rows.append(
        f"{'category':<14}{'precision':>10}{'recall':>8}{'support':>9}{'tp':>5}{'fp':>5}{'fn':>5}"
    )
    for cat, c in counts.items():
        flagged = c["tp"] + c["fp"]
        p = f"{c['tp'] / flagged:.2f}" if flagged else "-"
        r = f"{c['tp'] / c['support']:.2f}" if c["support"] else "-"
        rows.append(f"{cat:<14}{p:>10}{r:>8}{c['support']:>9}{c['tp']:>5}{c['fp']:>5}{c['fn']:>5}")
    return "\n".join(rows)


def loso(paths: list[Path], hold: list[str] | None) -> str:
    """Per held-out set: its figures with models trained on every other set."""
    import tempfile

    sys.path.insert(0, str(ROOT / "bench"))
    import quality_learned

    items = quality_learned.load(paths)
    held = hold or [p.stem for p in paths if p.stem.startswith("q")]
    out: list[str] = []
    total = {c: {"tp": 0, "fp": 0, "fn": 0, "support": 0} for c in TEXT_CATEGORIES}
    texts = clean = 0
    for name in held:
        path = next(p for p in paths if p.stem == name)
        with tempfile.TemporaryDirectory() as tmp:
            doc = quality_learned.build([it for it in items if it["set"] != name])
            quality_learned.write(doc, Path(tmp) / "learned.json")
            counts = measure(path, tmp)
        lines = [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]
        n, k = len(lines), sum(not item.get("labels") for item in lines)
        texts, clean = texts + n, clean + k
        out += [f"== held out: {name} (models trained on the other sets)", report(counts, n, k), ""]
        for cat, c in counts.items():
            for key in c:
                total[cat][key] += c[key]
    out += ["== all held-out sets pooled", report(total, texts, clean)]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", type=Path, nargs="+")
    parser.add_argument("--rules-dir")
    parser.add_argument("--loso", action="store_true", help="leave one set out (see above)")
    parser.add_argument("--hold", nargs="*", help="with --loso: the set names to hold out")
    args = parser.parse_args()
    if args.loso:
        print(loso(args.set, args.hold))
        return
    for path in args.set:
        lines = [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]
        clean = sum(not item.get("labels") for item in lines)
        print(report(measure(path, args.rules_dir), len(lines), clean))


if __name__ == "__main__":
    main()
