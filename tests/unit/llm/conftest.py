"""Provides the gateway tests' fixtures: fake keys, a strict respx router, a harness.

Every test runs inside ``respx.mock(assert_all_mocked=True)``, so any request that is not
mocked fails instead of reaching a provider; litellm's aiohttp transport (which respx
cannot see) is switched off.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx

from tests.unit.llm.llm_fakes import ANTHROPIC_KEY, OPENAI_KEY, Harness


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    monkeypatch.setenv("DISABLE_AIOHTTP_TRANSPORT", "True")
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
    # A developer's own endpoints must not redirect the fakes.
    for name in ("OPENAI_BASE_URL", "OPENAI_API_BASE", "ANTHROPIC_API_BASE", "OLLAMA_API_BASE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def harness() -> Harness:
    return Harness()
