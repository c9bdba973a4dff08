"""Provides the test suite as a package, so shared helpers import as ``tests.helpers.*``."""
