"""The one exception the client raises for a failed call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import grpc

ERROR_CODE_KEY = "mlflow-error-code"  # the server's berth.wire.grpc.ERROR_CODE_KEY


class BerthClientError(Exception):
    """A call that failed: MLflow's ``error_code`` (``RESOURCE_DOES_NOT_EXIST`` ...) as the
    server reported it, the gRPC ``status``, the server's message and the rest of the
    call's trailing metadata (``trailers``: what a failed stream committed, for one).

    Failures that never reached a Berth handler (server unreachable, deadline exceeded,
    cancelled) carry the gRPC status and an ``error_code`` derived from it.
    """

    def __init__(
        self,
        error_code: str,
        status: grpc.StatusCode,
        message: str,
        trailers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{error_code}: {message}")
        self.error_code = error_code
        self.status = status
        self.message = message
        self.trailers = dict(trailers or {})

    @classmethod
    def from_rpc_error(cls, exc: grpc.RpcError) -> BerthClientError:
        call: Any = exc  # every RpcError a call raises is also a grpc.Call (or an AioRpcError)
        status: grpc.StatusCode = call.code()
        trailers = {str(key): str(value) for key, value in call.trailing_metadata() or ()}
        code = trailers.pop(ERROR_CODE_KEY, None)
        error_code = code or _TRANSPORT_CODES.get(status, "INTERNAL_ERROR")
        return cls(error_code, status, call.details() or status.name, trailers)


# What a status means when no Berth handler answered (MLflow's closest codes).
_TRANSPORT_CODES = {
    grpc.StatusCode.UNAVAILABLE: "TEMPORARILY_UNAVAILABLE",
    grpc.StatusCode.DEADLINE_EXCEEDED: "TEMPORARILY_UNAVAILABLE",
    grpc.StatusCode.CANCELLED: "TEMPORARILY_UNAVAILABLE",
    grpc.StatusCode.UNIMPLEMENTED: "ENDPOINT_NOT_FOUND",
    grpc.StatusCode.RESOURCE_EXHAUSTED: "REQUEST_LIMIT_EXCEEDED",
    grpc.StatusCode.INVALID_ARGUMENT: "INVALID_PARAMETER_VALUE",
}
