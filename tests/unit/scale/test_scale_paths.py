"""Scale paths that are not timed here (bench/ times them): a map commits once, the ladder
is parsed once per process, --help imports neither pydantic nor litellm."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from feedback_writer.ladder import loader
from feedback_writer.mapping import service
from feedback_writer.notes.model import ParsedNote
from feedback_writer.paths import default_ladder_path


def test_map_person_writes_its_suggestions_in_one_transaction(repo, default_ladder):
    repo.import_notes(
        "Ana",
        [ParsedNote(text=f"Led the incident review number {i} and wrote the postmortem")
         for i in range(30)],
    )  # fmt: skip
    commits: list[str] = []
    repo._db.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    run = service.suggest(repo, default_ladder, "Ana")
    repo._db.set_trace_callback(None)
    assert len(run.results) == 30 and run.with_evidence > 0
    assert commits == ["COMMIT"]
    assert len(repo.mappings_for_person("Ana")) >= 30


def test_the_ladder_file_is_parsed_once_per_process(monkeypatch, tmp_path):
    parsed: list[str] = []
    real = loader.parse_ladder

    def counting(text: str, source: str) -> Any:
        parsed.append(source)
        return real(text, source)

    monkeypatch.setattr(loader, "parse_ladder", counting)
    copy = tmp_path / "ladder.yaml"
    copy.write_bytes(default_ladder_path().read_bytes())
    first = loader.load_ladder(copy)
    assert loader.load_ladder(copy) is first
    assert loader.load_ladder(str(copy)) is first
    assert len(parsed) == 1
    copy.write_bytes(copy.read_bytes() + b"\n# changed\n")  # a changed file is read again
    assert loader.load_ladder(copy) is not first
    assert len(parsed) == 2


def _modules_after(*args: str) -> set[str]:
    code = (
        "import sys\nfrom feedback_writer.cli import main\n"
        f"try:\n    main({list(args)!r})\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(out.strip().splitlines()[-1].split())


def test_help_imports_neither_pydantic_nor_litellm():
    for args in (["--help"], ["draft", "--help"]):
        loaded = _modules_after(*args)
        assert "click" in loaded
        assert not loaded & {"pydantic", "litellm", "textual", "yaml"}, (args, loaded)
