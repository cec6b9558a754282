"""The one exception the client raises for a failed call."""

from __future__ import annotations

from typing import Any

import grpc

ERROR_CODE_KEY = "mlflow-error-code"  # the server's berth.wire.grpc.ERROR_CODE_KEY


class BerthClientError(Exception):
    """A call that failed: MLflow's ``error_code`` (``RESOURCE_DOES_NOT_EXIST`` ...) as the
    server reported it, the gRPC ``status`` and the server's message.

    Failures that never reached a Berth handler (server unreachable, deadline exceeded,
    cancelled) carry the gRPC status and an ``error_code`` derived from it.
    """

    def __init__(self, error_code: str, status: grpc.StatusCode, message: str) -> None:
        super().__init__(f"{error_code}: {message}")
        self.error_code = error_code
        self.status = status
        self.message = message

    @classmethod
    def from_rpc_error(cls, exc: grpc.RpcError) -> BerthClientError:
        call: Any = exc  # every RpcError a call raises is also a grpc.Call (or an AioRpcError)
        status: grpc.StatusCode = call.code()
        trailers = call.trailing_metadata() or ()
        codes = [value for key, value in trailers if key == ERROR_CODE_KEY]
        error_code = str(codes[0]) if codes else _TRANSPORT_CODES.get(status, "INTERNAL_ERROR")
        return cls(error_code, status, call.details() or status.name)


# What a status means when no Berth handler answered (MLflow's closest codes).
_TRANSPORT_CODES = {
    grpc.StatusCode.UNAVAILABLE: "TEMPORARILY_UNAVAILABLE",
    grpc.StatusCode.DEADLINE_EXCEEDED: "TEMPORARILY_UNAVAILABLE",
    grpc.StatusCode.CANCELLED: "TEMPORARILY_UNAVAILABLE",
    grpc.StatusCode.UNIMPLEMENTED: "ENDPOINT_NOT_FOUND",
    grpc.StatusCode.RESOURCE_EXHAUSTED: "REQUEST_LIMIT_EXCEEDED",
    grpc.StatusCode.INVALID_ARGUMENT: "INVALID_PARAMETER_VALUE",
}
