"""Provides the Draft screen's widgets: the evidence panel, the diff panel, the status bar."""
