"""Speech engines behind one interface; see base.py for the registry."""

from tts.engines.base import Engine, VoiceInfo, engine_class, engine_names, get_engine

__all__ = ["Engine", "VoiceInfo", "engine_class", "engine_names", "get_engine"]
