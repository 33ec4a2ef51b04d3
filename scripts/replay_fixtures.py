"""Replay every fixture and dump, or compare, what detection makes of it.

For refactors that must not change a single answer::

    git stash; python scripts/replay_fixtures.py --dump /tmp/before.json   # at the base
    git stash pop; python scripts/replay_fixtures.py --against /tmp/before.json

Each fixture's document, explanation and fingerprint is recorded; the
comparison prints every fixture that differs and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def replay(root: Path = ROOT) -> dict[str, Any]:
    sys.path.insert(0, str(root))
    import envdetect

    results: dict[str, Any] = {}
    for path in sorted((root / "fixtures").rglob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        env = envdetect.detect(envdetect.load_fixture(document), plugins=False)
        results[str(path.relative_to(root))] = {
            "document": env.to_dict(),
            "explanation": env.explanation,
            "fingerprint": env.fingerprint(),
        }
    # Through JSON, so that a fresh replay compares equal to a loaded dump.
    replayed: dict[str, Any] = json.loads(json.dumps(results, default=str))
    return replayed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--dump", type=Path, help="write every fixture's outcome here")
    group.add_argument("--against", type=Path, help="compare with an earlier --dump")
    args = parser.parse_args(argv)
    now = replay()
    if args.dump:
        args.dump.write_text(json.dumps(now, indent=1, sort_keys=True), encoding="utf-8")
        print(f"{len(now)} fixtures written to {args.dump}")
        return 0
    before = json.loads(args.against.read_text(encoding="utf-8"))
    changed = sorted(
        name for name in before.keys() | now.keys() if before.get(name) != now.get(name)
    )
    for name in changed:
        print(f"differs: {name}")
    print(f"{len(now)} fixtures replayed, {len(changed)} differ")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
