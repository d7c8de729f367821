"""``python -m content.gazetteer``: regenerate content/topics.toml from its sources."""

from __future__ import annotations

import sys
from pathlib import Path

from content.gazetteer.build import build_specs, render_lexicon

TARGET = Path(__file__).resolve().parent.parent / "topics.toml"


def main() -> int:
    """Write the world lexicon and say how many topics it holds."""
    specs = build_specs()
    TARGET.write_text(render_lexicon(specs), encoding="utf-8")
    sys.stdout.write(f"{TARGET}: {len(specs)} topics\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
