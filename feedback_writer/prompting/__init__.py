"""Provides what every model call shares: the prompt templates and the pseudonymiser."""
