"""The one error table: every failure a client can see, with its MLflow code, HTTP and gRPC status.

Domain code raises :class:`BerthError` with an :class:`ErrorCode`; the REST edge renders
MLflow's ``{"error_code", "message"}`` body with the HTTP status, the gRPC edge aborts with the
matching gRPC status. The HTTP statuses are MLflow's, quirks included (e.g.
``RESOURCE_ALREADY_EXISTS`` is 400 and ``INVALID_STATE`` is 500).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import grpc


class ErrorCode(enum.StrEnum):
    """An MLflow error code; its HTTP and gRPC statuses come from :data:`STATUSES`."""

    INTERNAL_ERROR = "INTERNAL_ERROR"
    INVALID_STATE = "INVALID_STATE"
    NOT_IMPLEMENTED = "NOT_IMPLEMENTED"
    TEMPORARILY_UNAVAILABLE = "TEMPORARILY_UNAVAILABLE"
    REQUEST_LIMIT_EXCEEDED = "REQUEST_LIMIT_EXCEEDED"
    RESOURCE_CONFLICT = "RESOURCE_CONFLICT"
    ENDPOINT_NOT_FOUND = "ENDPOINT_NOT_FOUND"
    RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    BAD_REQUEST = "BAD_REQUEST"
    RESOURCE_ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS"
    INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE"

    @property
    def http_status(self) -> int:
        return STATUSES[self][0]

    @property
    def grpc_status(self) -> grpc.StatusCode:
        return STATUSES[self][1]


STATUSES: dict[ErrorCode, tuple[int, grpc.StatusCode]] = {
    ErrorCode.INTERNAL_ERROR: (500, grpc.StatusCode.INTERNAL),
    ErrorCode.INVALID_STATE: (500, grpc.StatusCode.FAILED_PRECONDITION),
    ErrorCode.NOT_IMPLEMENTED: (501, grpc.StatusCode.UNIMPLEMENTED),
    ErrorCode.TEMPORARILY_UNAVAILABLE: (503, grpc.StatusCode.UNAVAILABLE),
    ErrorCode.REQUEST_LIMIT_EXCEEDED: (429, grpc.StatusCode.RESOURCE_EXHAUSTED),
    ErrorCode.RESOURCE_CONFLICT: (409, grpc.StatusCode.ABORTED),
    ErrorCode.ENDPOINT_NOT_FOUND: (404, grpc.StatusCode.UNIMPLEMENTED),
    ErrorCode.RESOURCE_DOES_NOT_EXIST: (404, grpc.StatusCode.NOT_FOUND),
    ErrorCode.PERMISSION_DENIED: (403, grpc.StatusCode.PERMISSION_DENIED),
    ErrorCode.UNAUTHENTICATED: (401, grpc.StatusCode.UNAUTHENTICATED),
    ErrorCode.BAD_REQUEST: (400, grpc.StatusCode.INVALID_ARGUMENT),
    ErrorCode.RESOURCE_ALREADY_EXISTS: (400, grpc.StatusCode.ALREADY_EXISTS),
    ErrorCode.INVALID_PARAMETER_VALUE: (400, grpc.StatusCode.INVALID_ARGUMENT),
}


class BerthError(Exception):
    """A failure that is the client's to see: an :class:`ErrorCode` and a message, and
    ``metadata`` for the gRPC edge to send in the trailing metadata beside the code (facts a
    stream's client needs, such as what was committed before the failure; REST responses
    have no place for them)."""

    def __init__(
        self, code: ErrorCode, message: str, *, metadata: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.metadata = dict(metadata or {})

    def __repr__(self) -> str:
        return f"BerthError({self.code.name}, {self.message!r})"


def invalid(message: str) -> BerthError:
    return BerthError(ErrorCode.INVALID_PARAMETER_VALUE, message)


def not_found(message: str) -> BerthError:
    return BerthError(ErrorCode.RESOURCE_DOES_NOT_EXIST, message)


def already_exists(message: str) -> BerthError:
    return BerthError(ErrorCode.RESOURCE_ALREADY_EXISTS, message)
