"""Provides the typed modal dialogs of the TUI (confirm, prompt, file picker, ladder picker)."""
