"""Provides the reusable widgets of the TUI (each with a small DEFAULT_CSS)."""
