"""Publishing built episodes: a podcast feed (feed.py, checked by feedcheck.py) and talking books for blind and
low-vision readers (EPUB 3 with Media Overlays in epub.py, DAISY 2.02 in daisy.py). Everything here reads what a
build already produced (run reports, tags, timelines); nothing is re-derived or re-synthesised."""
