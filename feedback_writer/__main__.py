"""Provides ``python -m feedback_writer``."""

from feedback_writer.cli import run

if __name__ == "__main__":
    run()
