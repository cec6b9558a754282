"""The one error table: every code has MLflow's HTTP status and a gRPC status."""

from __future__ import annotations

from collections.abc import Callable

import grpc
import pytest

from berth.errors import (
    STATUSES,
    BerthError,
    ErrorCode,
    already_exists,
    invalid,
    not_found,
)

# MLflow's HTTP statuses (mlflow/server/handlers.py, mlflow.exceptions), quirks included.
MLFLOW_HTTP_STATUSES = {
    "INTERNAL_ERROR": 500,
    "INVALID_STATE": 500,
    "NOT_IMPLEMENTED": 501,
    "TEMPORARILY_UNAVAILABLE": 503,
    "REQUEST_LIMIT_EXCEEDED": 429,
    "RESOURCE_CONFLICT": 409,
    "ENDPOINT_NOT_FOUND": 404,
    "RESOURCE_DOES_NOT_EXIST": 404,
    "PERMISSION_DENIED": 403,
    "UNAUTHENTICATED": 401,
    "BAD_REQUEST": 400,
    "RESOURCE_ALREADY_EXISTS": 400,
    "INVALID_PARAMETER_VALUE": 400,
}


def test_every_error_code_has_statuses() -> None:
    assert set(STATUSES) == set(ErrorCode)


def test_the_codes_are_exactly_mlflows() -> None:
    assert {code.name for code in ErrorCode} == set(MLFLOW_HTTP_STATUSES)


@pytest.mark.parametrize(("name", "status"), sorted(MLFLOW_HTTP_STATUSES.items()))
def test_http_status_is_mlflows(name: str, status: int) -> None:
    assert ErrorCode[name].http_status == status


def test_no_code_is_an_alias_of_another() -> None:
    assert len(ErrorCode.__members__) == len(list(ErrorCode))


@pytest.mark.parametrize("code", list(ErrorCode))
def test_each_codes_name_and_value_are_its_mlflow_name(code: ErrorCode) -> None:
    assert code.name == code.value == str(code)


def test_invalid_parameter_value_is_named_invalid_parameter_value() -> None:
    assert ErrorCode.INVALID_PARAMETER_VALUE.name == "INVALID_PARAMETER_VALUE"
    assert ErrorCode("INVALID_PARAMETER_VALUE") is ErrorCode.INVALID_PARAMETER_VALUE


@pytest.mark.parametrize("code", list(ErrorCode))
def test_grpc_status_is_a_failure(code: ErrorCode) -> None:
    assert isinstance(code.grpc_status, grpc.StatusCode)
    assert code.grpc_status is not grpc.StatusCode.OK


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (ErrorCode.INVALID_PARAMETER_VALUE, grpc.StatusCode.INVALID_ARGUMENT),
        (ErrorCode.RESOURCE_DOES_NOT_EXIST, grpc.StatusCode.NOT_FOUND),
        (ErrorCode.RESOURCE_ALREADY_EXISTS, grpc.StatusCode.ALREADY_EXISTS),
        (ErrorCode.PERMISSION_DENIED, grpc.StatusCode.PERMISSION_DENIED),
        (ErrorCode.UNAUTHENTICATED, grpc.StatusCode.UNAUTHENTICATED),
        (ErrorCode.INTERNAL_ERROR, grpc.StatusCode.INTERNAL),
    ],
)
def test_grpc_status_matches_the_meaning(code: ErrorCode, status: grpc.StatusCode) -> None:
    assert code.grpc_status is status


def test_berth_error_carries_its_code_and_message() -> None:
    error = BerthError(ErrorCode.RESOURCE_CONFLICT, "busy")

    assert (error.code, error.message, str(error)) == (ErrorCode.RESOURCE_CONFLICT, "busy", "busy")
    assert repr(error) == "BerthError(RESOURCE_CONFLICT, 'busy')"


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (invalid, ErrorCode.INVALID_PARAMETER_VALUE),
        (not_found, ErrorCode.RESOURCE_DOES_NOT_EXIST),
        (already_exists, ErrorCode.RESOURCE_ALREADY_EXISTS),
    ],
)
def test_helpers_make_errors_of_their_code(
    make: Callable[[str], BerthError], code: ErrorCode
) -> None:
    error = make("why")

    assert isinstance(error, BerthError)
    assert (error.code, error.message) == (code, "why")
