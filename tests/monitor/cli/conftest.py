"""The CLI tests of accounts use the API tests' world (organisations, users, figures)."""

from tests.monitor.api.conftest import api_world, fast_password_hashing  # noqa: F401
