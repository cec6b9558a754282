"""The S3 backend: artifacts as objects under ``s3://bucket/prefix``, through aiobotocore.

Any S3 API works through an endpoint URL (MinIO, Ceph), with path-style or virtual-host
addressing. Bytes are never spooled: downloads stream the object's body chunk by chunk. An
upload of declared size (up to S3's single-request limit) streams through in one ``PutObject``;
one of unknown size goes up as a multipart upload whose parts are buffered one
:data:`PART_SIZE` at a time (a few in flight at once). Either way memory is bounded whatever the
file size. An upload only becomes visible when it completes; a failed or cancelled one leaves
the previous object (or nothing) in place.

Request bodies are sent unsigned (``UNSIGNED-PAYLOAD``): a streamed body cannot be hashed
before it is sent, and the signature still covers the request's key, headers and length.

Presigned URLs are signed for ``public_endpoint_url`` when it is set: the address clients
reach the store by may differ from the one the server uses (a cluster-internal MinIO Service
behind a public ingress, for instance). Signing is local; no request goes to that address.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import io
import logging
import posixpath
import ssl
from collections.abc import AsyncIterable, AsyncIterator, Awaitable
from contextlib import AsyncExitStack
from typing import IO, TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from aiobotocore.config import AioConfig
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ProfileNotFound,
)

from berth.artifacts.backends.base import (
    CHUNK_SIZE,
    ArtifactEntry,
    MultipartUpload,
    PresignedDownload,
    PresignedPart,
    UploadedPart,
    check_range,
    child_path,
    require_canonical,
    require_file_path,
)
from berth.artifacts.backends.options import S3Options
from berth.artifacts.backends.s3_session import s3_session
from berth.errors import BerthError, ErrorCode, invalid, not_found

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client

PART_SIZE = 8 * 1024 * 1024
"""Bytes per part of a streamed upload (S3 needs at least 5 MiB for all but the last)."""
PARTS_IN_FLIGHT = 2
MAX_PARTS = 10_000
"""S3's limit on parts per multipart upload."""
MAX_SINGLE_PUT = 5 * 1024**3
"""S3's limit on the size of one ``PutObject``."""
_DELETE_BATCH = 1000
_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})
_REFUSED = frozenset(
    {
        "403",
        "AccessDenied",
        "Forbidden",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "InvalidToken",
        "ExpiredToken",
    }
)


class S3Backend:
    """Artifacts under ``root`` (``s3://bucket`` or ``s3://bucket/prefix``)."""

    def __init__(self, root: str, options: S3Options) -> None:
        parts = urlsplit(root)
        if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
            raise invalid(f"Invalid artifact root {root!r}: expected s3://bucket[/prefix].")
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/")
        self.root = f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"
        self._options = options
        self._clients: tuple[S3Client, S3Client] | None = None
        self._opening = asyncio.Lock()
        self._exit_stack = AsyncExitStack()

    # ArtifactBackend

    async def check(self) -> None:
        """The bucket exists and these credentials may use it (HeadBucket answers 200)."""
        try:
            await (await self._client()).head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            code = _error_code(exc)
            if code in _MISSING or code == "NoSuchBucket":
                raise self._unavailable(f"bucket {self.bucket!r} does not exist", exc) from exc
            if code in _REFUSED:
                raise self._unavailable(
                    f"S3 refused the credentials for bucket {self.bucket!r} (unknown or wrong "
                    "keys, or keys not allowed to use the bucket)",
                    exc,
                ) from exc
            raise self._unavailable("S3 refused the request", exc) from exc
        except BotoCoreError as exc:
            raise self._unavailable(self._reason(exc), exc) from exc

    async def list(self, path: str) -> builtins.list[ArtifactEntry]:
        prefix = self._directory_key(require_canonical(path))
        client = await self._client()
        entries: builtins.list[ArtifactEntry] = []
        paginator = client.get_paginator("list_objects_v2")
        pages = paginator.paginate(Bucket=self.bucket, Prefix=prefix, Delimiter="/")
        async for page in self._guarded_pages(pages):
            for common in page.get("CommonPrefixes", []):
                name = common.get("Prefix", "")[len(prefix) :].rstrip("/")
                if name:
                    entries.append(ArtifactEntry(child_path(path, name), True, None))
            for item in page.get("Contents", []):
                name = item.get("Key", "")[len(prefix) :]
                if name:  # the directory's own marker object, if any, is not a child
                    entries.append(
                        ArtifactEntry(child_path(path, name), False, item.get("Size", 0))
                    )
        return sorted(entries, key=lambda entry: entry.path)

    async def size(self, path: str) -> int | None:
        if not require_canonical(path):
            return None
        try:
            head = await self._call(
                (await self._client()).head_object(Bucket=self.bucket, Key=self._key(path))
            )
        except BerthError as exc:
            if exc.code is ErrorCode.RESOURCE_DOES_NOT_EXIST:
                return None
            raise
        return int(head["ContentLength"])

    async def read(self, path: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        require_file_path(path)
        check_range(start, end)
        if end is not None and end == start:
            return
        request: dict[str, Any] = {"Bucket": self.bucket, "Key": self._key(path)}
        if start or end is not None:
            request["Range"] = f"bytes={start}-{'' if end is None else end - 1}"
        client = await self._client()
        try:
            response = await self._call(client.get_object(**request))
        except BerthError as exc:
            if exc.code is ErrorCode.INVALID_PARAMETER_VALUE and "Range" in request:
                return  # InvalidRange: the range starts past the end; nothing exists there
            raise
        async with response["Body"] as body:
            while chunk := await self._call(body.read(CHUNK_SIZE)):
                yield chunk

    async def write(self, path: str, chunks: AsyncIterable[bytes], size: int | None = None) -> int:
        require_file_path(path)
        key = self._key(path)
        await self._refuse_non_file_target(path)
        client = await self._client()
        if size is not None and PART_SIZE <= size <= MAX_SINGLE_PUT:
            await self._put_streamed(client, key, chunks, size)
            return size
        parts = _parts(chunks)
        first = await anext(parts, None)
        if first is None or len(first) < PART_SIZE:
            body = bytes(first or b"")
            await self._call(
                client.put_object(Bucket=self.bucket, Key=key, Body=body, **self._encryption())
            )
            return len(body)
        created = await self._call(
            client.create_multipart_upload(Bucket=self.bucket, Key=key, **self._encryption())
        )
        upload_id = created["UploadId"]
        # Handed over in a list so that no frame here keeps the first part alive after its
        # upload: memory stays at PARTS_IN_FLIGHT parts.
        pending = [first]
        del first
        completed = False
        try:
            uploaded, written = await self._upload_parts(client, key, upload_id, pending, parts)
            await self._call(
                client.complete_multipart_upload(
                    Bucket=self.bucket,
                    Key=key,
                    UploadId=upload_id,
                    MultipartUpload={"Parts": uploaded},
                )
            )
            completed = True
            return written
        finally:
            if not completed:
                await _shielded(self._abort(key, upload_id))

    async def delete(self, path: str) -> None:
        require_file_path(path)
        client = await self._client()
        keys = [self._key(path)] if await self.size(path) is not None else []
        pages = client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._directory_key(path)
        )
        async for page in self._guarded_pages(pages):
            keys.extend(item["Key"] for item in page.get("Contents", []) if "Key" in item)
        if not keys:
            raise not_found(f"Artifact {path!r} does not exist.")
        for start in range(0, len(keys), _DELETE_BATCH):
            batch: builtins.list[Any] = [
                {"Key": key} for key in keys[start : start + _DELETE_BATCH]
            ]
            result = await self._call(
                client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
            )
            if result.get("Errors"):
                failed = result["Errors"][0]
                raise self._unavailable(
                    f"S3 did not delete {failed.get('Key')!r} ({failed.get('Code')})", None
                )

    async def close(self) -> None:
        await self._exit_stack.aclose()
        self._clients = None

    # DelegatingBackend

    async def presign_download(self, path: str) -> PresignedDownload:
        size = await self.size(require_file_path(path))
        if size is None:
            raise not_found(f"Artifact {path!r} does not exist or is a directory.")
        url = await (await self._signer()).generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": self._key(path)},
            ExpiresIn=self._options.presigned_url_expiry_seconds,
        )
        return PresignedDownload(url=url, headers={}, size=size)

    async def create_multipart_upload(self, path: str, num_parts: int) -> MultipartUpload:
        require_file_path(path)
        if not 1 <= num_parts <= MAX_PARTS:
            raise invalid(f"num_parts must be between 1 and {MAX_PARTS}, got {num_parts}.")
        await self._refuse_non_file_target(path)
        key = self._key(path)
        created = await self._call(
            (await self._client()).create_multipart_upload(
                Bucket=self.bucket, Key=key, **self._encryption()
            )
        )
        upload_id = created["UploadId"]
        signer = await self._signer()
        parts = [
            PresignedPart(
                url=await signer.generate_presigned_url(
                    "upload_part",
                    Params={
                        "Bucket": self.bucket,
                        "Key": key,
                        "UploadId": upload_id,
                        "PartNumber": number,
                    },
                    ExpiresIn=self._options.presigned_url_expiry_seconds,
                ),
                headers={},
                part_number=number,
            )
            for number in range(1, num_parts + 1)
        ]
        return MultipartUpload(upload_id=upload_id, parts=parts)

    async def complete_multipart_upload(
        self, path: str, upload_id: str, parts: builtins.list[UploadedPart]
    ) -> None:
        require_file_path(path)
        if not parts:
            raise invalid("A multipart upload needs at least one part.")
        await self._call(
            (await self._client()).complete_multipart_upload(
                Bucket=self.bucket,
                Key=self._key(path),
                UploadId=upload_id,
                MultipartUpload={
                    "Parts": [
                        {"PartNumber": part.part_number, "ETag": part.etag}
                        for part in sorted(parts, key=lambda part: part.part_number)
                    ]
                },
            )
        )

    async def abort_multipart_upload(self, path: str, upload_id: str) -> None:
        require_file_path(path)
        await self._abort(self._key(path), upload_id)

    # Helpers

    def _key(self, path: str) -> str:
        return posixpath.join(self.prefix, path) if self.prefix else path

    def _directory_key(self, path: str) -> str:
        key = self._key(path) if path else self.prefix
        return f"{key}/" if key else ""

    def _encryption(self) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if self._options.server_side_encryption:
            extra["ServerSideEncryption"] = self._options.server_side_encryption
        if self._options.sse_kms_key_id:
            extra["SSEKMSKeyId"] = self._options.sse_kms_key_id
        return extra

    async def _refuse_non_file_target(self, path: str) -> None:
        """Hold S3 to the file store's rules, so a run's tree always lists cleanly: nothing
        is written over a directory, nor below a file. One round trip: the checks run at once."""
        segments = path.split("/")
        ancestors = ["/".join(segments[:depth]) for depth in range(1, len(segments))]
        listing, *sizes = await asyncio.gather(
            self.list(path), *(self.size(ancestor) for ancestor in ancestors)
        )
        if listing:
            raise invalid(f"Cannot write artifact {path!r}: it is a directory.")
        if any(size is not None for size in sizes):
            raise invalid(f"Cannot write artifact {path!r}: a parent of it is a file.")

    async def _put_streamed(
        self, client: S3Client, key: str, chunks: AsyncIterable[bytes], size: int
    ) -> None:
        """One ``PutObject`` whose body is ``chunks`` as they arrive: one request instead of
        a part per :data:`PART_SIZE`, and no part buffered. S3 stores nothing unless all
        ``size`` bytes arrive."""
        body = _StreamedBody(chunks)
        try:
            await self._call(
                client.put_object(
                    Bucket=self.bucket,
                    Key=key,
                    Body=cast(IO[bytes], body),
                    ContentLength=size,
                    **self._encryption(),
                )
            )
        except Exception:
            # The HTTP client reports a failing body as a broken connection to the store;
            # the failure of the client's own stream is the one to answer with.
            if body.failure is not None:
                raise body.failure from None
            raise

    async def _upload_parts(
        self,
        client: S3Client,
        key: str,
        upload_id: str,
        pending: builtins.list[bytearray],
        rest: AsyncIterator[bytearray],
    ) -> tuple[builtins.list[Any], int]:
        """Upload the part in ``pending`` and every part of ``rest``, at most PARTS_IN_FLIGHT
        at a time."""
        slots = asyncio.Semaphore(PARTS_IN_FLIGHT)
        await slots.acquire()  # the slot of the pending part
        written = 0

        async def upload(number: int, body: bytearray) -> dict[str, Any]:
            try:
                result = await self._call(
                    client.upload_part(
                        Bucket=self.bucket,
                        Key=key,
                        UploadId=upload_id,
                        PartNumber=number,
                        Body=cast(IO[bytes], _PartStream(body)),
                    )
                )
            finally:
                slots.release()
            return {"PartNumber": number, "ETag": result["ETag"]}

        tasks: builtins.list[asyncio.Task[dict[str, Any]]] = []
        try:
            async with asyncio.TaskGroup() as group:
                body: bytearray | None = pending.pop()
                while body is not None:
                    if len(tasks) == MAX_PARTS:
                        raise invalid(f"Artifact is too large: over {MAX_PARTS} parts.")
                    tasks.append(group.create_task(upload(len(tasks) + 1, body)))
                    written += len(body)
                    body = None  # the task holds the part; it is freed once uploaded
                    # The next part is read from the client only when a slot is free.
                    await slots.acquire()
                    body = await anext(rest, None)
                    if body is None:
                        slots.release()
        except BaseExceptionGroup as group_failure:
            raise _single(group_failure) from None
        return [task.result() for task in tasks], written

    async def _abort(self, key: str, upload_id: str) -> None:
        await self._call(
            (await self._client()).abort_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id
            )
        )

    async def _client(self) -> S3Client:
        return (await self._open())[0]

    async def _signer(self) -> S3Client:
        return (await self._open())[1]

    async def _open(self) -> tuple[S3Client, S3Client]:
        """The client that talks to the store, and the one that signs URLs for clients
        (the same client unless a public endpoint is configured), created once."""
        async with self._opening:
            if self._clients is None:
                await self._check_ca_bundle()
                client = await self._enter_client(self._options.endpoint_url)
                signer = client
                public = self._options.public_endpoint_url
                if public and public != self._options.endpoint_url:
                    signer = await self._enter_client(public)
                self._clients = (client, signer)
            return self._clients

    async def _check_ca_bundle(self) -> None:
        """A CA bundle that cannot be loaded is named now, rather than reported by the HTTP
        layer at the first request as an unhandled exception (after retries)."""
        bundle = self._options.ca_bundle
        if bundle is None:
            return
        try:
            await asyncio.to_thread(ssl.create_default_context, cafile=bundle)
        except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
            raise self._unavailable(f"the CA bundle {bundle!r} cannot be loaded", exc) from exc

    async def _enter_client(self, endpoint_url: str | None) -> S3Client:
        try:
            client: S3Client = await self._exit_stack.enter_async_context(
                self._create_client(endpoint_url)
            )
        except BotoCoreError as exc:
            raise self._unavailable(self._reason(exc), exc) from exc
        except ValueError as exc:  # botocore's "Invalid endpoint: ..."
            raise self._unavailable(
                f"no S3 client can be made for endpoint {endpoint_url!r}", exc
            ) from exc
        return client

    def _create_client(self, endpoint_url: str | None) -> Any:
        options = self._options
        session = s3_session(options.profile)
        verify: str | bool | None = options.ca_bundle or (None if options.verify_tls else False)
        if endpoint_url and urlsplit(endpoint_url).scheme == "http":
            verify = False  # no TLS to verify: no CA bundle held in memory (~1 MiB per client)
        return session.create_client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=options.region,
            aws_access_key_id=options.access_key_id,
            aws_secret_access_key=options.secret_access_key,
            aws_session_token=options.session_token,
            verify=verify,
            config=AioConfig(
                signature_version="s3v4",
                s3={"addressing_style": options.addressing_style, "payload_signing_enabled": False},
                retries={"max_attempts": 3, "mode": "standard"},
                max_pool_connections=32,
                # An endpoint that drops packets fails in seconds, not minutes of retries.
                connect_timeout=10,
                # Checksums only where S3 requires them: MinIO and other S3 APIs differ in
                # which of the newer checksum headers they accept.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )

    async def _call(self, operation: Awaitable[Any]) -> Any:
        """An S3 call with its failures as Berth's errors (no botocore text to clients
        beyond the error code)."""
        try:
            return await operation
        except ClientError as exc:
            code = _error_code(exc)
            if code in _MISSING:
                raise not_found("The artifact does not exist.") from exc
            if code == "InvalidRange":
                raise invalid("The requested range is not satisfiable.") from exc
            if code in ("NoSuchUpload", "InvalidPart", "InvalidPartOrder", "EntityTooSmall"):
                raise invalid(f"The multipart upload was refused by the store ({code}).") from exc
            raise self._unavailable(f"S3 refused the request ({code})", exc) from exc
        except BotoCoreError as exc:
            raise self._unavailable(self._reason(exc), exc) from exc

    async def _guarded_pages(self, pages: AsyncIterable[Any]) -> AsyncIterator[Any]:
        iterator = aiter(pages)
        while True:
            try:
                page = await self._call(anext(iterator))
            except StopAsyncIteration:
                return
            yield page

    def _reason(self, exc: BotoCoreError) -> str:
        """Why the store cannot be used, in the operator's terms."""
        if isinstance(exc, NoCredentialsError):
            return (
                "no credentials found (set them explicitly, or through the AWS environment "
                "variables, a shared profile, or a web identity / IRSA role)"
            )
        if isinstance(exc, ProfileNotFound):
            return (
                f"the AWS profile {self._options.profile!r} is not defined in the shared "
                "credentials or config files"
            )
        if isinstance(exc, EndpointConnectionError):
            return f"the S3 endpoint {self._options.endpoint_url or '(AWS)'} is unreachable"
        return "S3 could not be reached"

    def _unavailable(self, reason: str, exc: Exception | None) -> BerthError:
        """The error for clients and operators: the reason in plain words. botocore's own
        text (operation names, retry counts, endpoint details) goes to the server log only."""
        message = f"The artifact store {self.root} is not usable: {reason}"
        if exc is not None:
            log.warning("%s (%s: %s)", message, type(exc).__name__, exc)
        return BerthError(ErrorCode.TEMPORARILY_UNAVAILABLE, message)


class _StreamedBody:
    """``chunks`` as an upload body that the HTTP client streams (it iterates it), keeping
    the exception that ended them."""

    def __init__(self, chunks: AsyncIterable[bytes]) -> None:
        self._chunks = chunks
        self.failure: Exception | None = None

    def read(self, size: int = -1) -> bytes:
        """botocore only checks that a body has ``read``; aiohttp streams it by iterating."""
        raise io.UnsupportedOperation("a streamed body is read by iterating it")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._chunks:
                yield chunk
        except Exception as exc:
            self.failure = exc
            raise


class _PartStream(io.RawIOBase):
    """A part as a seekable stream over its buffer, without copying it.

    Given bytes, botocore wraps them in a ``BytesIO`` and aiohttp then copies that buffer
    whole before sending; given this stream, aiohttp reads it in small pieces.
    """

    def __init__(self, data: bytearray) -> None:
        self._view = memoryview(data)
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        piece = self._view[self._position : self._position + len(buffer)]
        buffer[: len(piece)] = piece
        self._position += len(piece)
        return len(piece)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: len(self._view)}
        self._position = max(0, base[whence] + offset)
        return self._position

    def tell(self) -> int:
        return self._position


async def _parts(chunks: AsyncIterable[bytes]) -> AsyncIterator[bytearray]:
    """``chunks`` regrouped into parts of exactly PART_SIZE bytes, the last one shorter.

    Each part is a buffer of its final size that the chunks are copied into as they arrive
    and then dropped: assembling a part costs the part and no more.
    """
    part = bytearray(PART_SIZE)
    filled = 0
    async for chunk in chunks:
        view = memoryview(chunk)
        while view:
            taken = min(len(view), PART_SIZE - filled)
            part[filled : filled + taken] = view[:taken]
            filled += taken
            view = view[taken:]
            if filled == PART_SIZE:
                yield part
                part = bytearray(PART_SIZE)
                filled = 0
    if filled:
        del part[filled:]
        yield part


_cleanups: set[asyncio.Future[None]] = set()


async def _shielded(operation: Awaitable[None]) -> None:
    """Run a clean-up to the end even when the request that needs it is cancelled meanwhile.

    A clean-up that fails (the store is unreachable) is let go: S3 reaps abandoned multipart
    uploads by the bucket's lifecycle rules, and they are never visible as objects.
    """
    task = asyncio.ensure_future(operation)
    _cleanups.add(task)
    task.add_done_callback(_forget)
    with contextlib.suppress(BerthError):
        await asyncio.shield(task)


def _forget(task: asyncio.Future[None]) -> None:
    _cleanups.discard(task)
    if not task.cancelled():
        task.exception()  # retrieved, so a failed clean-up is not reported as unhandled


def _single(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The first real failure of a task group (cancellations of its siblings aside)."""
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            return _single(exc)
        if not isinstance(exc, asyncio.CancelledError):
            return exc
    return group.exceptions[0]


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
