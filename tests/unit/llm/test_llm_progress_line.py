"""The CLI's progress line: ``\\r`` only on a terminal, retries on their own line, and
whatever follows (an error) starts on a new line."""

from __future__ import annotations

import io

import pytest

from feedback_writer.cli._progress import ProgressLine


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_pipe_gets_no_carriage_returns_but_sees_retries() -> None:
    out = io.StringIO()
    with ProgressLine(out) as progress:
        progress("drafting with m: ~3 tokens")
        progress("rate limited, retrying in 2 s (2/4)")
    assert out.getvalue() == "rate limited, retrying in 2 s (2/4)\n"


def test_a_terminal_line_is_ended_before_an_error() -> None:
    out = _Tty()
    with pytest.raises(RuntimeError), ProgressLine(out) as progress:
        progress("drafting with m: ~30 tokens")
        progress("rate limited, retrying in 2 s (2/4)")
        progress("drafting with m: ~3 tokens")
        raise RuntimeError("provider down")
    assert out.getvalue() == (
        "\rdrafting with m: ~30 tokens\nrate limited, retrying in 2 s (2/4)\n"
        "\rdrafting with m: ~3 tokens\n"
    )
