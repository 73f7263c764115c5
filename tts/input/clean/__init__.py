"""Cleaning: scraped page text -> Article."""

from tts.input.clean.cleaner import CAPTION_PREFIX, CleanOptions, clean_text

__all__ = ["CAPTION_PREFIX", "CleanOptions", "clean_text"]
