"""Provides ``python -m feedback_writer``."""

from feedback_writer.cli import main

if __name__ == "__main__":
    main()
