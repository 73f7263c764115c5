"""Check the hand-written labels in tests/corpus/labels/ against their raw pages.

Run: `uv run python tests/corpus/check_labels.py` (exit status 1 on any problem).

Labels grade tests/corpus/unseen/NAME.txt (and NAME.html, the same page). They use the key
format of tests/corpus/README.md plus:
- `body`: the article as a careful editor would have it read aloud, one string per paragraph
  (headings, captions, credits, editor lines, related lists left out; headings are in `headings`);
- `split`: `dev` (tune on these) or `heldout` (report separately, never tune on);
- optional `title_alternatives` / `source_alternatives` / `author_alternatives` (also correct;
  `null` in a list means "none" is also accepted) and `kind` for pages that are not news
  (product, aggregator, gallery, digest, blog with code, scraper site, wechat post).

Every string is compared the way tests/corpus/README.md says: Unicode NFKC, all whitespace
deleted. Checked per label:
- every string field (title, source, author, headings, first/last sentence, allowed_*,
  must_not_contain, alternatives, each body paragraph) occurs in the page's raw .txt;
- the body paragraphs occur in the .txt in order (each after the previous one);
- body_first_sentence starts the first body paragraph and body_last_sentence ends the last;
- the headings occur in order between the first and the last sentence in the .txt (a heading
  before the first paragraph must also be in allowed_before_first);
- no must_not_contain string occurs in the body, the title, the headings or an allowed_* string;
- the date is ISO `YYYY-MM-DD[ HH:MM[:SS]]` or null; split is dev/heldout/fresh/fresh2/fresh3/fresh4/fresh5.

Labels in tests/corpus/fresh/labels/ (split `fresh`: a later held-out set, labelled independently of
the cleaner, never to tune on) grade tests/corpus/fresh/NAME.txt and are checked the same way; so are
those in tests/corpus/fresh2/labels/ (split `fresh2`: a second such set from other sources, labelled
blind after the cleaner's rules had been read off `fresh`; tests/corpus/fresh2/README.md) and those in
tests/corpus/fresh3/labels/ (split `fresh3`: a third such set, labelled blind after `fresh2` had been scored and
looked at; tests/corpus/fresh3/README.md) and those in tests/corpus/fresh4/labels/ (split `fresh4`: a fourth
such set, labelled blind after `fresh3` had been scored and looked at; tests/corpus/fresh4/README.md) and those in
tests/corpus/fresh5/labels/ (split `fresh5`: a fifth such set, labelled blind after `fresh4` had been scored and looked
at; tests/corpus/fresh5/README.md).
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$")
SPLITS = ("dev", "heldout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5")
LABEL_DIRS = (
    CORPUS / "labels", CORPUS / "fresh" / "labels", CORPUS / "fresh2" / "labels", CORPUS / "fresh3" / "labels",
    CORPUS / "fresh4" / "labels", CORPUS / "fresh5" / "labels",
)
FIELDS = (
    "file", "title", "date", "source", "author", "headings", "body_first_sentence",
    "body_last_sentence", "allowed_before_first", "allowed_after_last", "must_not_contain",
    "notes", "body", "split",
)


def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def check(label_path: Path) -> list[str]:
    label = json.loads(label_path.read_text(encoding="utf-8"))
    problems = [f"missing field {f}" for f in FIELDS if f not in label]
    if problems:
        return problems
    txt_path = CORPUS / label["file"]
    if not txt_path.exists():
        return [f"no page {txt_path}"]
    page = norm(txt_path.read_text(encoding="utf-8"))

    def occurs(what: str, value: str | None) -> None:
        if value is not None and norm(value) not in page:
            problems.append(f"{what} not in page: {value[:60]!r}")

    for field in ("title", "source", "author", "body_first_sentence", "body_last_sentence"):
        occurs(field, label[field])
    for field in ("headings", "allowed_before_first", "allowed_after_last", "must_not_contain",
                  "title_alternatives", "source_alternatives", "author_alternatives"):
        for value in label.get(field, []):
            occurs(field, value)
    if label["date"] is not None and not DATE.match(label["date"]):
        problems.append(f"bad date {label['date']!r}")
    if label["split"] not in SPLITS:
        problems.append(f"bad split {label['split']!r}")

    body = label["body"]
    if not body:
        return problems + ["empty body"]
    pos, starts = 0, []
    for i, para in enumerate(body):
        key = norm(para)
        if not key:
            problems.append(f"body[{i}] is empty")
            continue
        at = page.find(key, pos)
        if at < 0:
            where = "not in page" if key not in page else "out of order"
            problems.append(f"body[{i}] {where}: {para[:60]!r}")
            continue
        starts.append(at)
        pos = at + len(key)
    if not norm(body[0]).startswith(norm(label["body_first_sentence"])):
        problems.append("body_first_sentence does not start body[0]")
    if not norm(body[-1]).endswith(norm(label["body_last_sentence"])):
        problems.append("body_last_sentence does not end body[-1]")

    first = page.find(norm(body[0]))
    last = page.find(norm(body[-1]), first) + len(norm(body[-1]))
    # A heading may open the body (before its first paragraph) only if the label also
    # allows it before the first sentence, as a scorer reads headings in the body text.
    before = {norm(a) for a in label["allowed_before_first"]}
    hpos = first if not before else 0
    for heading in label["headings"]:
        at = page.find(norm(heading), hpos)
        if at >= 0 and at < first and norm(heading) not in before:
            at = page.find(norm(heading), first)
        if at < 0 or at > last:
            problems.append(f"heading not in order inside the body span: {heading!r}")
        else:
            hpos = at + len(norm(heading))
        if any(norm(heading) == norm(p) for p in body):
            problems.append(f"heading also listed as a body paragraph: {heading!r}")

    spoken = norm(" ".join([label["title"] or "", *label["headings"], *body,
                            *label["allowed_before_first"], *label["allowed_after_last"]]))
    for junk in label["must_not_contain"]:
        if norm(junk) in spoken:
            problems.append(f"must_not_contain inside title/headings/body/allowed strings: {junk!r}")
    return problems


def main() -> int:
    labels = [path for folder in LABEL_DIRS for path in sorted(folder.glob("*.json"))]
    failed = 0
    for path in labels:
        problems = check(path)
        if problems:
            failed += 1
            print(f"FAIL {path.relative_to(CORPUS)}")
            for p in problems:
                print(f"  - {p}")
    splits = [json.loads(p.read_text(encoding="utf-8"))["split"] for p in labels]
    counts = ", ".join(f"{splits.count(split)} {split}" for split in SPLITS)
    print(f"{len(labels)} labels ({counts}): {len(labels) - failed} pass, {failed} fail")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
