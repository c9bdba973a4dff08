"""A company spreadsheet becomes a valid ladder with stable generated ids."""

from __future__ import annotations

from click.testing import CliRunner

from feedback_writer.cli import cli
from feedback_writer.ladder.loader import load_ladder

CSV = """area,competency,level,expectation,signals,examples
Craft,Testing,Associate,Writes unit tests for new code,tests; coverage,Added tests to the parser
Craft,Testing,Associate,Writes unit tests for new code paths,,
Craft,Testing,Staff,Sets the testing strategy for the org,,
People,Mentoring,Associate,Helps new joiners,,
People,Mentoring,Staff,Grows other staff engineers,,
"""


def test_csv_import_builds_valid_ladder(tmp_path):
    src = tmp_path / "acme.csv"
    src.write_text(CSV)
    out = tmp_path / "acme.yaml"
    result = CliRunner().invoke(cli, ["ladder", "import", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lad = load_ladder(out)
    assert lad.name == "acme"
    assert lad.level_slugs == ["associate", "staff"]  # order of first appearance
    assert [c.slug for c in lad.competencies] == ["testing", "mentoring"]
    ids = [e.id for e in lad.expectations]
    assert ids[0] == "testing.associate.writes-unit-tests-for-new"
    assert ids[1] == "testing.associate.writes-unit-tests-for-new-2"  # collision resolved
    assert lad.expectations[0].signals == ("tests", "coverage")
    assert lad.expectations[0].examples == ("Added tests to the parser",)
    # stable: importing again gives the same ids
    out2 = tmp_path / "again.yaml"
    CliRunner().invoke(cli, ["ladder", "import", str(src), "-o", str(out2)])
    assert [e.id for e in load_ladder(out2).expectations] == ids
    # no overwrite without --force
    refused = CliRunner().invoke(cli, ["ladder", "import", str(src), "-o", str(out)])
    assert refused.exit_code == 2


def test_csv_errors_name_line(tmp_path):
    src = tmp_path / "bad.csv"
    src.write_text("area,competency,level,expectation\nCraft,Testing,One,\n")
    result = CliRunner().invoke(cli, ["ladder", "import", str(src), "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2
    assert f"{src}:2: empty expectation" in result.output
    src.write_text("area,competency,expectation\n")
    result = CliRunner().invoke(cli, ["ladder", "import", str(src), "-o", str(tmp_path / "x.yaml")])
    assert "missing column(s): level" in result.output
    assert not (tmp_path / "x.yaml").exists()


def test_import_without_signals_says_the_matcher_borrows_them(tmp_path):
    src = tmp_path / "bare.csv"
    src.write_text("area,competency,level,expectation\nCraft,Testing,One,Writes unit tests\n")
    out = tmp_path / "bare.yaml"
    result = CliRunner().invoke(cli, ["ladder", "import", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"ladder show --borrowed --ladder {out}" in result.output
    (tmp_path / "acme.csv").write_text(CSV)
    with_signals = CliRunner().invoke(
        cli, ["ladder", "import", str(tmp_path / "acme.csv"), "-o", str(tmp_path / "a.yaml")]
    )
    assert "borrow" not in with_signals.output
