"""Shared setup of the input-hardening tests."""

from __future__ import annotations

import sys
from pathlib import Path

# --import-mode=importlib puts no test dir on sys.path; the helpers module has a unique name.
sys.path.insert(0, str(Path(__file__).resolve().parent))
