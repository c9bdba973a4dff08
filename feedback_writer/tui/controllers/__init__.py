"""Provides the non-visual parts of screens: worker-side reads and the generation control."""
