"""The template sandbox: hostile company templates stop fast with a located error."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedback_writer.cli import cli
from feedback_writer.errors import TemplateError
from feedback_writer.prompting.templates import PromptTemplates, init_folder

# Each would run for minutes (or allocate gigabytes) without the bounds.
HANGS = {
    "nested ranges": "a\n{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}"
    "{% endfor %}",
    "nested ranges under the range bound, no output": "a\n"
    "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
    "loops over a string": "a\n{% set s = 'x' * 5000 %}{% for a in s %}{% for b in s %}"
    "{% endfor %}{% endfor %}",
    "output flood": "a\n{% for i in range(10000) %}{% for j in range(10000) %}{{ 'y' * 100 }}"
    "{% endfor %}{% endfor %}",
    "string doubling": "a\n{% set ns = namespace(s='x') %}{% for i in range(64) %}"
    "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
    "string doubling with +": "a\n{% set ns = namespace(s='x') %}{% for i in range(64) %}"
    "{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "huge repetition": "a\n{{ 'x' * 10000000000 }}",
    "huge power": "a\n{{ 7 ** 1000000000 }}",
    "center filter": "a\n{{ 'x' | center(10000000000) }}",
    "ljust method": "a\n{{ 'x'.ljust(10000000000) }}",
    "format width": "a\n{{ '{:>9999999999}'.format('x') }}",
    "percent width": "a\n{{ '%9999999999s' % 'x' }}",
    "recursive macro": "a\n{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}"
    "{% endmacro %}{{ f(60) }}",
}


@pytest.mark.parametrize("name", sorted(HANGS))
def test_a_hostile_template_stops_fast_naming_file_and_line(tmp_path: Path, name: str) -> None:
    (tmp_path / "repair.j2").write_text(HANGS[name])
    templates = PromptTemplates(tmp_path)
    templates.time_limit = 2.0
    start = time.monotonic()
    with pytest.raises(TemplateError) as info:
        templates.render("repair", {})
    assert time.monotonic() - start < 5
    message = str(info.value)
    assert str(tmp_path / "repair.j2") in message
    assert "Traceback" not in message


def test_the_errors_say_which_bound_and_where(tmp_path: Path) -> None:
    (tmp_path / "repair.j2").write_text("one\ntwo\n{% for i in range(100000) %}{% endfor %}")
    with pytest.raises(TemplateError, match=r"repair\.j2:3: range\(\) of 100,000 items"):
        PromptTemplates(tmp_path).render("repair", {})
    (tmp_path / "repair.j2").write_text("{% for i in range(9000) %}{{ 'z' * 1000 }}{% endfor %}")
    with pytest.raises(TemplateError, match=r"repair\.j2:\?: stopped: the output would be over"):
        PromptTemplates(tmp_path).render("repair", {})
    (tmp_path / "repair.j2").write_text(
        "\n{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"
    )
    with pytest.raises(TemplateError, match=r"repair\.j2:2: stopped: more than .* loop"):
        PromptTemplates(tmp_path).render("repair", {})


def test_the_deadline_stops_a_slow_template(tmp_path: Path) -> None:
    (tmp_path / "repair.j2").write_text(
        "{% for i in range(10000) %}{% for j in range(90) %}{{ i }}{% endfor %}{% endfor %}"
    )
    templates = PromptTemplates(tmp_path)
    templates.time_limit = 0.01
    with pytest.raises(TemplateError, match=r"rendering took longer than 0\.01 s"):
        templates.render("repair", {})


def test_ordinary_templates_and_big_inputs_still_render(tmp_path: Path) -> None:
    (tmp_path / "repair.j2").write_text(
        "{% for e in errors %}{{ loop.index }}. {{ e ~ '!' }}\n{% endfor %}"
        "{{ range(3) | list | length }} {{ '%5s' % 'ab' }} {{ 'x' * 3 }} {{ 2 ** 10 }}"
        "{{ '{:>4}'.format('q') }}{{ 123456789012 | string | length }}"
    )
    errors = ["e" * 1000] * 3000  # 3 MB of input may give 3 MB of output
    out = PromptTemplates(tmp_path).render("repair", {"errors": errors})
    assert out.startswith("1. eee") and out.endswith("3    ab xxx 1024   q12")
    assert len(out) > 3_000_000


ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__.os }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ self.__dict__ }}",
    "{{ lipsum.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ lipsum['__globals__'] }}",
    "{{ lipsum | attr('__globals__') }}",
    "{{ range.__globals__ }}",
    "{{ config.__class__.__init__.__globals__['os'] }}",
    "{{ os.popen('id').read() }}",
    "{{ ''.__class__.__base__.__subclasses__() }}",
    "{{ (1).__class__.__subclasses__() }}",
    "{{ '{0.__class__}'.format(x) }}",
    "{{ '{0.__class__.__mro__}'.format('') }}",
    "{{ '{0.__init__.__globals__}'.format(cycler) }}",
    "{{ '%s' | format(cycler.__init__) }}",
    "{{ ''.format_map.__self__.__class__ }}",
    "{% set x = ''.__class__ %}{{ x }}",
    "{{ [].pop.__self__ }}",
    "{{ x.gi_frame.f_globals }}",
]
DANGEROUS = re.compile(r"<class|<module|<function|__builtins__|subprocess|posix|uid=")


@pytest.mark.parametrize("source", ESCAPES)
def test_classic_sandbox_escapes_are_blocked(tmp_path: Path, source: str) -> None:
    """Each raises (a SecurityError or an undefined attribute) or renders nothing dangerous."""
    (tmp_path / "repair.j2").write_text(source)
    try:
        out = PromptTemplates(tmp_path).render("repair", {"x": (i for i in range(1))})
    except TemplateError as exc:
        assert "repair.j2" in str(exc)
        return
    assert not DANGEROUS.search(out), out


def test_prompts_check_and_render_stop_on_a_hanging_template(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    init_folder(folder)
    (folder / "system.j2").write_text(
        "Rules:\n{% for i in range(100000) %}{% for j in range(100000) %}.{% endfor %}{% endfor %}"
    )
    start = time.monotonic()
    result = CliRunner().invoke(cli, ["prompts", "check", str(folder)])
    assert result.exit_code == 2, result.output
    assert f"{folder / 'system.j2'}:2: range() of 100,000 items" in result.output
    assert "ok  repair" in result.output and "Traceback" not in result.output
    env = {"FEEDBACK_WRITER_HOME": str(tmp_path / "ws")}
    runner = CliRunner(env=env)
    for args in (
        ["notes", "add", "--person", "Sam", "Rewrote the on-call runbook after the outage."],
        ["people", "set", "Sam", "--level", "mid"],
        ["map", "-p", "Sam"],
        ["evidence", "accept", "-p", "Sam", "--all", "--min-confidence", "low", "--yes"],
    ):
        done = runner.invoke(cli, args)
        assert done.exit_code == 0, done.output
    rendered = runner.invoke(
        cli, ["prompts", "render", "system", "--person", "Sam", "--prompts", str(folder)]
    )
    assert rendered.exit_code == 2, rendered.output
    assert "system.j2:2: range() of 100,000 items" in rendered.output
    assert time.monotonic() - start < 20
