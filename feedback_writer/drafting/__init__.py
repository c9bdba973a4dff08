"""Provides drafting: the draft model, prompt templates, the offline and model drafters."""
