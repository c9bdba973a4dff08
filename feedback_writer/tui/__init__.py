"""Provides the terminal UI of feedback-writer (Textual); build it with ``tui.app.make_app``.

Nothing in the core imports this package: the TUI is a thin layer over the same core the
CLI uses, and Textual is imported only when the TUI is opened.
"""
