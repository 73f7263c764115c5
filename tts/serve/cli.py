"""What `tts serve` does, kept out of tts/cli.py so that `tts --help` imports none of the web stack."""

from __future__ import annotations

import datetime
from pathlib import Path

import typer

from tts.errors import InputError, TtsError


def serve_command(
    library: Path,
    *,
    host: str,
    port: int,
    workers: int,
    engine: str | None,
    private: bool,
    max_body: int,
    title: str,
    create_token: bool,
    token_name: str,
    list_tokens: bool,
    revoke_token: int | None,
) -> None:
    from tts.serve.app import ServeConfig
    from tts.serve.db import SchemaError, Store

    try:
        if not library.is_dir():
            raise InputError(f"library folder not found: {library}")
        from tts.engines.base import engine_names

        if engine not in (None, "auto", *engine_names()):  # any installed engine, plugins included
            raise InputError(
                f"--engine takes auto or an installed engine ({', '.join(engine_names())}), got {engine!r}"
            )
        config = ServeConfig(
            library=library,
            workers=workers,
            defaults={"engine": engine} if engine else {},
            private=private,
            max_body=max_body,
            title=title,
        )
        try:
            store = Store(config.db_path)
        except SchemaError as exc:
            raise InputError(str(exc)) from None
    except TtsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None
    if create_token:
        token_id, token = store.create_token(token_name)
        typer.echo(f"token {token_id} ({token_name}), shown once, keep it secret:\n{token}")
        return
    if revoke_token is not None:
        if not store.revoke_token(revoke_token):
            typer.echo(f"error: no active token with id {revoke_token}", err=True)
            raise typer.Exit(2)
        typer.echo(f"revoked token {revoke_token}")
        return
    if list_tokens:
        for row in store.tokens():
            when = lambda t: datetime.datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M") if t else "-"  # noqa: E731
            typer.echo(
                f"{row['id']:>4}  {row['name']:<20} created {when(row['created'])}  revoked {when(row['revoked'])}"
            )
        return

    import uvicorn

    from tts.serve.app import create_app

    typer.echo(f"serving {library.resolve()} on http://{host}:{port}/ with {workers} worker(s); Ctrl-C stops")
    uvicorn.run(
        create_app(config), host=host, port=port, log_level="warning", access_log=False, timeout_graceful_shutdown=10
    )
