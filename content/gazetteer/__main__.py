"""``python -m content.gazetteer``: regenerate content/topics.toml from its sources."""

from __future__ import annotations

import sys
from pathlib import Path

from content.gazetteer.build import build_specs, render_lexicon
from content.topics import load_lexicon

TARGET = Path(__file__).resolve().parent.parent / "topics.toml"


def main() -> int:
    """Write the world lexicon, say how many topics it holds, and print the names that the
    frequency list shows are ordinary words too: each is guarded (it counts only where the
    article names its topic by another name)."""
    specs = build_specs()
    TARGET.write_text(render_lexicon(specs), encoding="utf-8")
    sys.stdout.write(f"{TARGET}: {len(specs)} topics\n")
    common = sorted(
        " ".join(stem for stem, _ in form[0]) for form in load_lexicon(TARGET).common_word_names
    )
    sys.stdout.write(f"guarded as ordinary words too ({len(common)}): {'، '.join(common)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
