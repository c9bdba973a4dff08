"""Provides feedback-writer: raw notes about an engineer's work to ladder-grounded feedback."""

__version__ = "0.1.0"
