"""core.types: roles include the powers of the roles before them; enums keep their stored strings."""

from __future__ import annotations

import pytest

from paas.core.types import AccountStatus, AdminState, LimitReason, Role, SessionStatus, enum_values


@pytest.mark.parametrize(
    ("role", "required", "allowed"),
    [
        (Role.VIEWER, Role.VIEWER, True),
        (Role.VIEWER, Role.OPERATOR, False),
        (Role.VIEWER, Role.ADMIN, False),
        (Role.OPERATOR, Role.VIEWER, True),
        (Role.OPERATOR, Role.OPERATOR, True),
        (Role.OPERATOR, Role.ADMIN, False),
        (Role.ADMIN, Role.VIEWER, True),
        (Role.ADMIN, Role.OPERATOR, True),
        (Role.ADMIN, Role.ADMIN, True),
    ],
)
def test_role_allows_its_own_and_lower_roles_only(role: Role, required: Role, allowed: bool) -> None:
    assert role.allows(required) is allowed


def test_roles_rank_viewer_below_operator_below_admin() -> None:
    assert Role.VIEWER.rank < Role.OPERATOR.rank < Role.ADMIN.rank


def test_enum_values_are_the_stored_strings_in_declaration_order() -> None:
    assert enum_values(AccountStatus) == ["available", "active", "exhausted", "throttled", "disabled"]
    assert enum_values(AdminState) == ["enabled", "disabled"]
    assert enum_values(LimitReason) == ["window_exhausted", "throttled", "invalid_credentials"]
    assert Role("admin") is Role.ADMIN


def test_only_in_progress_sessions_are_open() -> None:
    assert [status.value for status in SessionStatus if status.is_open] == ["in_progress"]
