"""Body F1 and metadata accuracy of `tts clean` (HTML and text input) against readability-lxml, trafilatura and
GeneralNewsExtractor, in one run, on the labelled pages, reported per split:

  old18    the 5 keyed pages of tests/corpus/keys (reference body: the raw text from the key's first to last sentence)
  dev      tests/corpus/labels/*.json with "split": "dev" on pages in tests/corpus/unseen (the cleaner may be tuned on these)
  new-dev  tests/corpus/labels/*.json with "split": "dev" on the 13 unkeyed shared pages in tests/corpus/raw (labelled
           later; also tuned on, reported apart so the figures of the 21 dev pages stay comparable)
  heldout  tests/corpus/labels/*.json with "split": "heldout" (never tuned on)
  fresh    tests/corpus/fresh/labels/*.json: 12 pages from other sites, labelled independently of the cleaner after
           the other splits had been looked at (never tuned on; tests/corpus/fresh/README.md)
  fresh2   tests/corpus/fresh2/labels/*.json: a second such set from other sources (PyPI test pages), labelled blind
           after the cleaner's metadata rules had been read off `fresh` (never tuned on; tests/corpus/fresh2/README.md)
  fresh3   tests/corpus/fresh3/labels/*.json: a third such set from other sources, labelled blind after `fresh2` had
           been scored and looked at (never tuned on; tests/corpus/fresh3/README.md)
  fresh4   tests/corpus/fresh4/labels/*.json: a fourth such set from other sources, labelled blind after `fresh3` had
           been scored and looked at (never tuned on; tests/corpus/fresh4/README.md)
  fresh5   tests/corpus/fresh5/labels/*.json: a fifth such set from other sources, labelled blind after `fresh4` had
           been scored and looked at (never tuned on; tests/corpus/fresh5/README.md)

Body F1: character bigrams (as multisets) of the extracted body against the labelled body text, both NFKC with all
whitespace removed. For tts the body is its headings and paragraphs (not the title); for the anchors, their text.

Run:  uv sync --group bench && uv run python -m benchmarks.compare_html_extractors   (writes benchmarks/results/cleaning.json)
      uv run python -m benchmarks.compare_html_extractors --pool-first   (pools the blind sets' untouched first scores,
      benchmarks/results/cleaning_<split>_first.json, into benchmarks/results/cleaning_first_pooled.json)
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from tts.errors import TtsError
from tts.input.clean.lines import compare_key
from tts.input.encoding import decode_bytes
from tts.input.extract import read_article

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
RESULTS = ROOT / "benchmarks" / "results" / "cleaning.json"


# -- the labelled pages --------------------------------------------------------------------------


def load_pages() -> list[dict]:
    """Every labelled page as {name, split, txt, html, body, title, date, source, author (+ alternatives)}."""
    pages = []
    for key_file in sorted((CORPUS / "keys").glob("*.json")):
        key = json.loads(key_file.read_text(encoding="utf-8"))
        txt = CORPUS / key["file"]
        raw = compare_key(txt.read_text(encoding="utf-8"))
        first, last = compare_key(key["body_first_sentence"]), compare_key(key["body_last_sentence"])
        start = raw.find(first)
        body = raw[start : raw.find(last, start) + len(last)]
        pages.append(
            {**key, "name": txt.stem, "split": "old18", "txt": txt, "html": txt.with_suffix(".html"), "ref": body}
        )
    for label_file in (
        sorted((CORPUS / "labels").glob("*.json"))
        + sorted((CORPUS / "fresh" / "labels").glob("*.json"))
        + sorted((CORPUS / "fresh2" / "labels").glob("*.json"))
        + sorted((CORPUS / "fresh3" / "labels").glob("*.json"))
        + sorted((CORPUS / "fresh4" / "labels").glob("*.json"))
        + sorted((CORPUS / "fresh5" / "labels").glob("*.json"))
    ):
        label = json.loads(label_file.read_text(encoding="utf-8"))
        txt = CORPUS / label["file"]
        if not txt.exists():
            continue
        ref = compare_key("".join(label.get("headings", [])) + "".join(label["body"]))
        split = "new-dev" if label["split"] == "dev" and txt.parent.name == "raw" else label["split"]
        pages.append(
            {**label, "name": txt.stem, "split": split, "txt": txt, "html": txt.with_suffix(".html"), "ref": ref}
        )
    return pages


# -- metric --------------------------------------------------------------------------------------


def bigrams(text: str) -> Counter:
    key = compare_key(text)
    return Counter(key[i : i + 2] for i in range(len(key) - 1))


def body_f1(predicted: str, reference: str) -> float:
    p, r = bigrams(predicted), bigrams(reference)
    overlap = sum((p & r).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(r.values())
    return 2 * precision * recall / (precision + recall)


def _matches(value: str | None, page: dict, field: str) -> bool:
    accepted = [page.get(field)] + page.get(f"{field}_alternatives", [])
    if value is None:
        return None in accepted
    if field == "author":
        return any(a is not None and set(value.split()) == set(a.split()) for a in accepted)
    if field == "date":
        truth = page.get("date")
        n = min(len(value), len(truth or ""))
        return truth is not None and n >= 10 and value[:n] == truth[:n]
    return compare_key(value) in {compare_key(a) for a in accepted if a}


# -- extractors ----------------------------------------------------------------------------------


def _html_text(path: Path) -> str:
    return decode_bytes(path.read_bytes()).text


def tts_clean(path: Path) -> dict:
    return summary(read_article(path)[1])


def summary(article) -> dict:
    """What the benchmark scores of an Article: its body (headings and paragraphs) and metadata."""
    body = "".join(((s.heading or "") + "".join(s.paragraphs)) for s in article.sections)
    return {
        "body": body,
        "title": article.title,
        "date": article.date,
        "source": article.source,
        "author": article.author,
    }


def readability_body(path: Path) -> dict:
    from readability import Document

    from tts.input.html import parse

    document = Document(_html_text(path))
    return {"body": "\n".join(parse(document.summary(html_partial=True)).texts), "title": document.short_title()}


def trafilatura_body(path: Path) -> dict:
    import trafilatura

    html = _html_text(path)
    meta = trafilatura.extract_metadata(html)
    body = trafilatura.extract(html, include_comments=False, include_tables=True) or ""
    return {
        "body": body,
        "title": meta.title if meta else None,
        "date": meta.date if meta else None,
        "author": meta.author if meta else None,
    }


def gne_body(path: Path) -> dict:
    from gne import GeneralNewsExtractor

    result = GeneralNewsExtractor().extract(_html_text(path))
    return {
        "body": result.get("content", ""),
        "title": result.get("title"),
        "date": result.get("publish_time"),
        "author": result.get("author"),
    }


EXTRACTORS = {
    "tts-html": lambda page: tts_clean(page["html"]),
    "tts-text": lambda page: tts_clean(page["txt"]),
    "readability-lxml": lambda page: readability_body(page["html"]),
    "trafilatura": lambda page: trafilatura_body(page["html"]),
    "gne": lambda page: gne_body(page["html"]),
}
FIELDS = ("title", "date", "source", "author")


def run(names: list[str] | None = None) -> dict:
    pages = load_pages()
    per_page: list[dict] = []
    for page in pages:
        row = {"page": page["name"], "split": page["split"]}
        for name, extract in EXTRACTORS.items():
            if names and name not in names:
                continue
            started = time.perf_counter()
            try:
                out = extract(page)
                error = None
            except TtsError as exc:
                out, error = {"body": ""}, str(exc)
            except Exception as exc:  # an anchor failing on a page counts as an empty extraction
                out, error = {"body": ""}, f"{type(exc).__name__}: {exc}"
            row[name] = {
                "f1": round(body_f1(out.get("body") or "", page["ref"]), 4),
                "seconds": round(time.perf_counter() - started, 4),
                "error": error,
                **{f: _matches(out.get(f), page, f) for f in FIELDS if f in out or name.startswith("tts")},
            }
            if name.startswith("tts"):
                row[name]["got"] = {f: out.get(f) for f in FIELDS}
        per_page.append(row)
    return {"pages": per_page, "summary": summarise(per_page)}


def summarise(rows: list[dict]) -> dict:
    out: dict = {}
    for split in ("old18", "dev", "new-dev", "heldout", "unseen", "fresh", "fresh2", "fresh3", "fresh4", "fresh5"):
        chosen = [r for r in rows if r["split"] == split or split == "unseen" and r["split"] in ("dev", "heldout")]
        if not chosen:
            continue
        out[split] = {"pages": len(chosen)}
        for name in EXTRACTORS:
            results = [r[name] for r in chosen if name in r]
            if not results:
                continue
            entry = {
                "body_f1": round(statistics.mean(x["f1"] for x in results), 4),
                "refused_or_failed": sum(1 for x in results if x["error"]),
                "median_seconds": round(statistics.median(x["seconds"] for x in results), 4),
            }
            for field in FIELDS:
                judged = [x[field] for x in results if field in x]
                if judged:
                    entry[field] = round(sum(judged) / len(judged), 4)
            out[split][name] = entry
    return out


def pool_first_scores(splits: tuple[str, ...] = ("fresh3", "fresh4", "fresh5")) -> dict:
    """The untouched first scores of several blind sets (cleaning_<split>_first.json, each taken before anyone looked
    at its pages with the cleaner) pooled page by page: the figure for pages the cleaner had never seen."""
    rows = [
        row
        for split in splits
        for row in json.loads((RESULTS.parent / f"cleaning_{split}_first.json").read_text(encoding="utf-8"))["pages"]
    ]
    return {"note": pool_first_scores.__doc__, "splits": list(splits), "summary": summarise_pooled(rows)}


def summarise_pooled(rows: list[dict]) -> dict:
    out: dict = {"pages": len(rows)}
    for name in EXTRACTORS:
        results = [r[name] for r in rows if name in r]
        entry = {"body_f1": round(statistics.mean(x["f1"] for x in results), 4)}
        for field in FIELDS:
            judged = [x[field] for x in results if field in x]
            if judged:
                entry[field] = round(sum(judged) / len(judged), 4)
        out[name] = entry
    return out


def main() -> None:
    if "--pool-first" in sys.argv:
        pooled = pool_first_scores()
        target = RESULTS.parent / "cleaning_first_pooled.json"
        target.write_text(json.dumps(pooled, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(json.dumps(pooled["summary"], ensure_ascii=False, indent=1))
        return
    names = [a for a in sys.argv[1:] if not a.startswith("-")] or None
    result = run(names)
    for split, entry in result["summary"].items():
        print(f"\n{split} ({entry['pages']} pages)")
        print(
            f"  {'extractor':<18}{'body F1':>8}{'title':>7}{'date':>7}{'source':>7}{'author':>7}{'failed':>7}{'median s':>9}"
        )
        for name, e in entry.items():
            if name == "pages":
                continue
            cells = "".join(f"{e[f]:>7.2f}" if f in e else f"{'—':>7}" for f in FIELDS)
            print(f"  {name:<18}{e['body_f1']:>8.3f}{cells}{e['refused_or_failed']:>7}{e['median_seconds']:>9.3f}")
    if "--pages" in sys.argv:
        for row in result["pages"]:
            cells = " ".join(f"{n}={row[n]['f1']:.2f}" for n in EXTRACTORS if n in row)
            print(row["split"], row["page"], cells, row.get("tts-html", {}).get("error") or "")
    if not names:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
