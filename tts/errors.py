"""One exception root for the library; the CLI maps each to a one-line message and an exit code."""

from __future__ import annotations


class TtsError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code = 1


class InputError(TtsError, ValueError):
    """The article cannot be read or holds nothing to speak."""

    exit_code = 2


class ConfigError(TtsError, ValueError):
    """An option, voice or profile is unknown or invalid."""

    exit_code = 2


class AssetError(TtsError):
    """Model or voice files are missing, corrupt, or cannot be fetched."""

    exit_code = 3


class EngineError(TtsError):
    """A speech engine failed to synthesise a chunk."""

    exit_code = 4


class OutputError(TtsError):
    """Encoding or writing the output files failed."""

    exit_code = 5
