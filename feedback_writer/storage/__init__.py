"""Provides the workspace: a SQLite database owned by :mod:`.repository`."""
