"""Score the cleaner against the hand-written grading keys in tests/corpus/keys (format: tests/corpus/README.md).

Run:  uv run python -m benchmarks.score_cleaning        (add --json for machine-readable output)
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from tts.errors import TtsError
from tts.input.clean.lines import compare_key
from tts.input.extract import read_article
from tts.input.reading import read_page

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"
_SENTENCE = re.compile(r"[^。！？]+[。！？]*")


@dataclass
class PageScore:
    page: str
    title: bool
    date: bool
    source: bool
    author: bool
    heading_precision: float
    heading_recall: float
    first_sentence: bool
    last_sentence: bool
    must_not_absent: float
    should_not_absent: float
    coverage: float
    error: str | None = None

    @property
    def perfect(self) -> bool:
        return (
            self.title
            and self.date
            and self.source
            and self.first_sentence
            and self.last_sentence
            and self.must_not_absent == 1
            and self.heading_precision == 1
            and self.heading_recall == 1
        )


def _one_of(value: str | None, key: dict, field: str) -> bool:
    accepted = [key.get(field)] + key.get(f"{field}_alternatives", [])
    if value is None:
        return None in accepted
    return compare_key(value) in {compare_key(a) for a in accepted if a}


def _date_ok(ours: str | None, theirs: str | None) -> bool:
    if ours is None or theirs is None:
        return ours == theirs
    n = min(len(ours), len(theirs))
    return ours[:n] == theirs[:n] and n >= 10


def _strip_allowed(text: str, allowed: list[str], *, at_end: bool) -> str:
    changed = True
    while changed and text:
        changed = False
        for a in map(compare_key, allowed):
            if at_end and text.endswith(a):
                text, changed = text[: -len(a)], True
            elif not at_end and text.startswith(a):
                text, changed = text[len(a) :], True
    return text


def score_page(txt: Path, key: dict, page_file: Path | None = None) -> PageScore:
    """Score the cleaner on page_file (default: the key's .txt; pass the .html to grade HTML input)."""
    page_file = page_file or txt
    try:
        article = read_article(page_file)[1]
    except TtsError as exc:
        return PageScore(page_file.name, False, False, False, False, 0, 0, False, False, 0, 0, 0, error=str(exc))
    body = compare_key("".join(p for s in article.sections for p in ([s.heading] if s.heading else []) + s.paragraphs))
    spoken = compare_key(article.title) + body
    headings = [compare_key(s.heading) for s in article.sections if s.heading]
    wanted = [compare_key(h) for h in key["headings"]]
    hits = sum(1 for h in headings if h in wanted)
    first, last = compare_key(key["body_first_sentence"]), compare_key(key["body_last_sentence"])
    start, end = body.find(first), body.rfind(last)
    author_ok = (article.author is None and key["author"] is None) or (
        article.author is not None
        and key["author"] is not None
        and set(article.author.split()) == set(key["author"].split())
    )
    return PageScore(
        page=page_file.name,
        title=_one_of(article.title, key, "title"),
        date=_date_ok(article.date, key["date"]),
        source=_one_of(article.source, key, "source"),
        author=author_ok,
        heading_precision=hits / len(headings) if headings else float(not wanted),
        heading_recall=hits / len(wanted) if wanted else 1.0,
        first_sentence=start >= 0
        and not _strip_allowed(body[:start], key.get("allowed_before_first", []), at_end=False),
        last_sentence=end >= 0
        and not _strip_allowed(body[end + len(last) :], key.get("allowed_after_last", []), at_end=True),
        must_not_absent=_absent_share(key["must_not_contain"], spoken),
        should_not_absent=_absent_share(key.get("should_not_contain", []), spoken),
        coverage=_coverage(txt, key, spoken),
    )


def _absent_share(strings: list[str], spoken: str) -> float:
    if not strings:
        return 1.0
    return sum(compare_key(s) not in spoken for s in strings) / len(strings)


def _coverage(txt: Path, key: dict, spoken: str) -> float:
    """Share of the key's body span (by characters, sentence by sentence) that survives cleaning."""
    raw = compare_key(read_page(txt).text)
    first, last = compare_key(key["body_first_sentence"]), compare_key(key["body_last_sentence"])
    start = raw.find(first)
    end = raw.find(last, start) + len(last)
    junk = [compare_key(s) for s in key.get("should_not_contain", [])]
    total = kept = 0
    for sentence in _SENTENCE.findall(raw[start:end]):
        if any(j in sentence or sentence in j for j in junk) or len(sentence) < 2:
            continue
        total += len(sentence)
        kept += len(sentence) if sentence in spoken else 0
    return kept / total if total else 0.0


def score_all(corpus: Path = CORPUS, suffix: str = ".txt") -> list[PageScore]:
    scores = []
    for key_file in sorted((corpus / "keys").glob("*.json")):
        key = json.loads(key_file.read_text(encoding="utf-8"))
        txt = corpus / key["file"]
        scores.append(score_page(txt, key, txt.with_suffix(suffix)))
    return scores


def summary(scores: list[PageScore]) -> dict[str, float]:
    n = len(scores)
    return {
        "pages": n,
        "title": sum(s.title for s in scores) / n,
        "date": sum(s.date for s in scores) / n,
        "source": sum(s.source for s in scores) / n,
        "author": sum(s.author for s in scores) / n,
        "heading_precision": sum(s.heading_precision for s in scores) / n,
        "heading_recall": sum(s.heading_recall for s in scores) / n,
        "first_sentence": sum(s.first_sentence for s in scores) / n,
        "last_sentence": sum(s.last_sentence for s in scores) / n,
        "must_not_absent": sum(s.must_not_absent for s in scores) / n,
        "should_not_absent": sum(s.should_not_absent for s in scores) / n,
        "coverage": sum(s.coverage for s in scores) / n,
    }


def main() -> None:
    scores = score_all() + score_all(suffix=".html")
    if "--json" in sys.argv:
        print(
            json.dumps({"pages": [asdict(s) for s in scores], "overall": summary(scores)}, ensure_ascii=False, indent=2)
        )
        return
    cols = [
        "title",
        "date",
        "source",
        "author",
        "heading_precision",
        "heading_recall",
        "first_sentence",
        "last_sentence",
        "must_not_absent",
        "should_not_absent",
        "coverage",
    ]
    short = ["title", "date", "src", "auth", "h-prec", "h-rec", "first", "last", "must", "should", "cover"]
    print(f"{'page':<20}" + "".join(f"{c:>7}" for c in short))
    for s in scores:
        d = asdict(s)
        print(
            f"{s.page:<20}" + "".join(f"{float(d[c]):>7.2f}" for c in cols) + (f"  ERROR {s.error}" if s.error else "")
        )
    overall = summary(scores)
    print(f"{'overall':<20}" + "".join(f"{overall[c]:>7.2f}" for c in cols))


if __name__ == "__main__":
    main()
