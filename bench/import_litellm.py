"""Provides a figure: how long importing litellm through the gateway takes, and its memory.

Run: python bench/import_litellm.py
"""

from __future__ import annotations

import resource
import sys
import time


def main() -> None:
    from feedback_writer.llm.gateway import _litellm

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    _litellm()
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"import litellm via _litellm(): {took:.2f} s, max RSS +{(after - before) / 1024:.0f} MB")
    print(f"modules loaded: {len(sys.modules)}")


if __name__ == "__main__":
    main()
