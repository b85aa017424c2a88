"""A mistyped command line is a usage error (exit 2, click's own message), not an
"unexpected" crash (exit 70): newer typer releases raise their own copy of click's
exceptions, which the CLI's boundary did not know."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("ingest", "cijfers.csv"), "Missing option '--org'"),
        (("nosuchcmd",), "No such command 'nosuchcmd'"),
        (("ingest", "cijfers.csv", "--org", "GM0363", "--bogus"), "No such option: --bogus"),
    ],
)
def test_a_usage_error_exits_2_with_its_reason(cli, args, says):  # noqa: ANN001
    code, out, err = cli(*args)
    assert code == 2, (out, err)
    assert says in " ".join((out + err).split()) and "unexpected" not in out + err


def test_help_exits_0(cli):  # noqa: ANN001
    code, out, _ = cli("ingest", "--help")
    assert code == 0 and "--org" in out
