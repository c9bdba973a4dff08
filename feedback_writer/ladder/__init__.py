"""Provides the career ladder: models, loading with validation, and CSV import."""

from feedback_writer.ladder.model import (
    Area,
    CellStatus,
    Competency,
    Expectation,
    Ladder,
    Level,
)

__all__ = ["Area", "CellStatus", "Competency", "Expectation", "Ladder", "Level"]
