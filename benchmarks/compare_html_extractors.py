"""Measure: trafilatura main-content extraction + our line rules vs our whole-page innerText + rules, on the keyed HTML pages.

Run:  uv run --with trafilatura python -m benchmarks.compare_html_extractors
"""
import json, sys, time
from pathlib import Path
from benchmarks.score_cleaning import CORPUS, score_page, summary, PageScore
from tts.input.clean import clean_text, CleanOptions
from tts.input.reading import read_page, decode

import trafilatura

def via_trafilatura(path):
    html = decode(path.read_bytes())
    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True, with_metadata=False) or ""
    meta = trafilatura.extract_metadata(html)
    # keep the title/date line so metadata can be read
    head = "\n".join(x for x in [meta.title if meta else None, meta.date if meta else None] if x)
    return head + "\n" + text


res = []
t0=time.time()
for key_file in sorted((CORPUS / "keys").glob("*.json")):
    key = json.loads(key_file.read_text())
    txt = CORPUS / key["file"]; html = txt.with_suffix(".html")
    text = via_trafilatura(html)
    tmp = Path("/tmp") / (html.stem + ".traf.txt"); tmp.write_text(text)
    s = score_page(txt, key, tmp); res.append(s)
    print(s.page, s.title, s.date, s.first_sentence, s.last_sentence, round(s.coverage,2), s.heading_recall, s.error)
print("trafilatura overall", {k: round(v,2) for k,v in summary(res).items()}, time.time()-t0)
ours = [score_page(CORPUS / json.loads(k.read_text())["file"], json.loads(k.read_text()), (CORPUS / json.loads(k.read_text())["file"]).with_suffix(".html")) for k in sorted((CORPUS / "keys").glob("*.json"))]
print("innerText+rules overall", {k: round(v, 2) for k, v in summary(ours).items()})
