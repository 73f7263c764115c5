"""Every hand-written label (dev/heldout, fresh, fresh2, fresh3, fresh4, fresh5) agrees with its rendered page (tests/corpus/check_labels.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"
_spec = importlib.util.spec_from_file_location("check_labels", CORPUS / "check_labels.py")
assert _spec and _spec.loader
check_labels = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_labels)

LABELS = [path for folder in check_labels.LABEL_DIRS for path in sorted(folder.glob("*.json"))]


@pytest.mark.parametrize("label", LABELS, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_label_matches_its_page(label: Path) -> None:
    assert check_labels.check(label) == []


@pytest.mark.parametrize("split", ["fresh2", "fresh3", "fresh4", "fresh5"])
def test_held_out_pages_all_have_labels(split: str) -> None:
    folder = CORPUS / split
    pages = {p.stem for p in folder.glob("*.html")}
    labelled = {p.stem for p in (folder / "labels").glob("*.json")}
    assert pages and pages == labelled
    assert all((folder / f"{name}.txt").exists() for name in pages)
