"""docs/dpia.md links each control to its code and tests: every file it names must exist, and
it keeps the ICO template's seven steps."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DPIA = ROOT / "docs" / "dpia.md"
PATH = re.compile(r"`([\w./*-]+\.(?:py|md))`")


def candidates(name: str) -> list[Path]:
    return [ROOT / name, ROOT / "src" / name, ROOT / "src" / "drachma" / name, ROOT / "docs" / name]


def test_every_file_the_dpia_names_exists():
    text = DPIA.read_text(encoding="utf-8")
    names = set(PATH.findall(text))
    assert len(names) > 30
    missing = sorted(
        name
        for name in names
        if not any(
            path.exists() or list(ROOT.glob(str(path.relative_to(ROOT))))
            for path in candidates(name)
        )
    )
    assert missing == [], f"docs/dpia.md names files that do not exist: {missing}"


def test_the_dpia_follows_the_ico_templates_steps():
    headings = re.findall(r"^## (Step \d): ", DPIA.read_text(encoding="utf-8"), re.M)
    assert headings == [f"Step {n}" for n in range(1, 8)]
