"""Provides the offline note-to-ladder matcher (``matcher``) and its evaluation (``evaluate``)."""
