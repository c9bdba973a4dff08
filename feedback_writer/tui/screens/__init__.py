"""Provides the screens of the TUI, one screen per module."""
