"""`tts serve` and `tts site`: an accessible listening library over a folder of built episodes.

library.py reads the folder, db.py keeps state in SQLite, jobs.py builds submissions in worker processes,
pages.py renders the templates for app.py (the ASGI service) and site.py (static files).
"""
