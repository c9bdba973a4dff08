"""Provides the workspace: a SQLite database behind the :class:`.repository.Repository` facade."""
