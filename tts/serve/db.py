"""The service's state in SQLite (embedded, WAL mode): tokens, jobs and the episode index.

The schema is versioned with `PRAGMA user_version`; MIGRATIONS[n] takes a database from version n to n+1, each in
one transaction, so an older database is upgraded in place on start and a newer one is refused.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

MIGRATIONS: list[str] = [
    # 0 -> 1: tokens, jobs, episodes (statements are split at semicolons: none inside comments or strings)
    """
    CREATE TABLE tokens (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,          -- sha256 of the token (the token itself is never stored)
        created REAL NOT NULL,
        revoked REAL                        -- when revoked, else NULL
    );
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
        created REAL NOT NULL,
        started REAL,
        finished REAL,
        input TEXT NOT NULL,                -- the submitted article, saved under the library's .tts-serve/
        options TEXT NOT NULL,              -- JSON: build options as submitted
        token_id INTEGER REFERENCES tokens(id),
        worker INTEGER,                     -- pid of the worker process that took it
        episode TEXT,                       -- episode id once built
        error TEXT,
        exit_code INTEGER
    );
    CREATE TABLE episodes (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        source TEXT,
        date TEXT,
        duration REAL NOT NULL,
        sort_key TEXT NOT NULL,
        data TEXT NOT NULL                  -- the Episode as JSON, for listing without touching the files
    );
    """,
    # 1 -> 2: the queries the service makes often
    """
    CREATE INDEX jobs_by_status ON jobs (status, created);
    CREATE INDEX episodes_newest ON episodes (sort_key DESC, id DESC);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaError(Exception):
    pass


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # durable at each checkpoint; WAL keeps it consistent
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema to SCHEMA_VERSION; returns the version found before."""
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found > SCHEMA_VERSION:
        raise SchemaError(f"database schema version {found} is newer than this tts ({SCHEMA_VERSION}); upgrade tts")
    for version in range(found, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # re-read inside the lock: another process may have migrated meanwhile
            if conn.execute("PRAGMA user_version").fetchone()[0] != version:
                conn.execute("ROLLBACK")
                continue
            for statement in MIGRATIONS[version].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
    return found


@dataclass
class Job:
    id: str
    status: str
    created: float
    started: float | None
    finished: float | None
    options: dict
    episode: str | None
    error: str | None
    exit_code: int | None
    input: str

    def public(self) -> dict:
        return {
            "id": self.id,
            "status": self.status,
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
            "options": self.options,
            "episode": self.episode,
            "error": self.error,
            "exit_code": self.exit_code,
        }


def _job(row: sqlite3.Row) -> Job:
    return Job(
        row["id"],
        row["status"],
        row["created"],
        row["started"],
        row["finished"],
        json.loads(row["options"]),
        row["episode"],
        row["error"],
        row["exit_code"],
        row["input"],
    )


class Store:
    """One database file; a connection per thread (sqlite3 connections are not shared across threads)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        migrate(self.conn)

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = connect(self.path)
        return conn

    # -- tokens ---------------------------------------------------------------------------------------------
    def create_token(self, name: str) -> tuple[int, str]:
        token = "tts_" + secrets.token_urlsafe(32)
        cur = self.conn.execute(
            "INSERT INTO tokens (name, hash, created) VALUES (?, ?, ?)", (name, _hash(token), time.time())
        )
        token_id = cur.lastrowid
        assert token_id is not None  # set by the INSERT above
        return token_id, token

    def revoke_token(self, token_id: int) -> bool:
        cur = self.conn.execute(
            "UPDATE tokens SET revoked = ? WHERE id = ? AND revoked IS NULL", (time.time(), token_id)
        )
        return cur.rowcount == 1

    def tokens(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT id, name, created, revoked FROM tokens ORDER BY id").fetchall()

    def check_token(self, token: str) -> int | None:
        """The token's id when it is known and not revoked."""
        row = self.conn.execute("SELECT id FROM tokens WHERE hash = ? AND revoked IS NULL", (_hash(token),)).fetchone()
        return row["id"] if row else None

    # -- jobs -----------------------------------------------------------------------------------------------
    def add_job(self, input_path: str, options: dict, token_id: int | None, job_id: str | None = None) -> str:
        job_id = job_id or new_job_id()
        self.conn.execute(
            "INSERT INTO jobs (id, status, created, input, options, token_id) VALUES (?, 'queued', ?, ?, ?, ?)",
            (job_id, time.time(), input_path, json.dumps(options, ensure_ascii=False), token_id),
        )
        return job_id

    def job(self, job_id: str) -> Job | None:
        row = self.conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def claim_job(self, worker: int) -> Job | None:
        """Take the oldest queued job for this worker (atomic across processes)."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT * FROM jobs WHERE status = 'queued' ORDER BY created, id LIMIT 1").fetchone()
            if row:
                conn.execute(
                    "UPDATE jobs SET status = 'running', started = ?, worker = ? WHERE id = ?",
                    (time.time(), worker, row["id"]),
                )
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        return self.job(row["id"]) if row else None

    def finish_job(
        self, job_id: str, episode: str | None, error: str | None = None, exit_code: int | None = None
    ) -> None:
        self.conn.execute(
            "UPDATE jobs SET status = ?, finished = ?, episode = ?, error = ?, exit_code = ? WHERE id = ?",
            ("failed" if error else "done", time.time(), episode, error, exit_code, job_id),
        )

    def fail_running(self, worker: int | None, reason: str) -> int:
        """Jobs a dead worker (or, with None, any earlier server run) left running are failed, not lost."""
        if worker is None:
            cur = self.conn.execute(
                "UPDATE jobs SET status='failed', finished=?, error=?, exit_code=1 WHERE status='running'",
                (time.time(), reason),
            )
        else:
            cur = self.conn.execute(
                "UPDATE jobs SET status='failed', finished=?, error=?, exit_code=1 WHERE status='running' AND worker=?",
                (time.time(), reason, worker),
            )
        return cur.rowcount

    def running_jobs(self, worker: int | None) -> list[str]:
        return [
            r[0] for r in self.conn.execute("SELECT id FROM jobs WHERE status = 'running' AND worker = ?", (worker,))
        ]

    def job_counts(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.conn.execute("SELECT status, count(*) FROM jobs GROUP BY status")}

    # -- the episode index ----------------------------------------------------------------------------------
    def replace_episodes(self, episodes: list[dict]) -> None:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("DELETE FROM episodes")
            conn.executemany(
                "INSERT INTO episodes (id, title, source, date, duration, sort_key, data) VALUES (?,?,?,?,?,?,?)",
                [
                    (
                        e["id"],
                        e["title"],
                        e["source"],
                        e["date"],
                        e["duration"],
                        e["sort_key"],
                        json.dumps(e, ensure_ascii=False),
                    )
                    for e in episodes
                ],
            )
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise

    def find_episodes(self, query: str = "", offset: int = 0, limit: int = 20) -> tuple[list[dict], int]:
        """A page of episodes, newest first, whose title contains query (case-insensitive); and how many match."""
        where, args = "", []
        if query:
            where, args = "WHERE title LIKE ? ESCAPE '\\'", ["%" + _like_escape(query) + "%"]
        total = self.conn.execute(f"SELECT count(*) FROM episodes {where}", args).fetchone()[0]
        rows = self.conn.execute(
            f"SELECT data FROM episodes {where} ORDER BY sort_key DESC, id DESC LIMIT ? OFFSET ?",
            [*args, limit, offset],
        ).fetchall()
        return [json.loads(r["data"]) for r in rows], total


def new_job_id() -> str:
    return uuid.uuid4().hex[:16]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
