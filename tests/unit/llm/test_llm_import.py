"""litellm is imported lazily, and importing it through the gateway opens no connection."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def _run(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_importing_the_gateway_does_not_import_litellm() -> None:
    code = (
        "import sys\n"
        "import feedback_writer.llm, feedback_writer.llm.gateway, feedback_writer.llm.schema\n"
        "gw = feedback_writer.llm.gateway.Gateway(\n"
        "    feedback_writer.llm.gateway.ModelSettings('gpt-4o-mini'))\n"
        "assert 'litellm' not in sys.modules, 'litellm imported eagerly'\n"
        "print('ok')\n"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_litellm_import_opens_no_connection() -> None:
    code = (
        "import os, socket\n"
        "attempts = []\n"
        "def refuse(self, *args, **kwargs):\n"
        "    attempts.append(args)\n"
        "    raise OSError('network disabled in this test')\n"
        "socket.socket.connect = refuse\n"
        "socket.socket.connect_ex = refuse\n"
        "socket.create_connection = lambda *a, **k: refuse(None, *a)\n"
        "from feedback_writer.llm.gateway import _litellm\n"
        "lt = _litellm()\n"
        "assert os.environ['LITELLM_LOCAL_MODEL_COST_MAP'] == 'True'\n"
        "assert lt.disable_aiohttp_transport is True and lt.telemetry is False\n"
        "assert lt.model_cost['gpt-4o-mini']['max_input_tokens'] > 0\n"
        "print('attempts', len(attempts))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "LITELLM_LOCAL_MODEL_COST_MAP"}
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("attempts 0"), result.stdout
