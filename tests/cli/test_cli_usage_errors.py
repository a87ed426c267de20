"""Usage mistakes through `paas` itself (`cli.main`): one line on stderr, exit code 2, no box and
no traceback; help still prints as help."""

from __future__ import annotations

import pytest

from paas.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


@pytest.mark.parametrize(("args", "words"), [
    (("session", "usage", "--credits", "abc"), "Invalid value for '--credits'"),
    (("sessoin",), "No such command 'sessoin'. Did you mean 'session'"),
    (("status", "--bogus"), "No such option: --bogus; see `paas status --help`"),
    (("session", "usage"), "Missing option '--credits'"),
])
def test_a_usage_mistake_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], args: tuple[str, ...],
                                                words: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and words in err, err
    assert "╭" not in err and "Traceback" not in err


def test_help_and_version_still_print(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "session" in out and "status" in out
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip()
    code, out, _ = run(capsys, "accounts")  # a group named alone shows its help
    assert code == 2 and "import" in out
