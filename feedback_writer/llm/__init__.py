"""Provides the model gateway package: the one place that talks to LLM providers.

``gateway`` wraps litellm (imported lazily, so importing this package stays cheap);
``schema`` turns pydantic models into JSON schemas that strict structured output accepts.
"""
