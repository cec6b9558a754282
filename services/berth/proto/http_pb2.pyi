from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Permission(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PERMISSION_UNSPECIFIED: _ClassVar[Permission]
    READ: _ClassVar[Permission]
    EDIT: _ClassVar[Permission]
    MANAGE: _ClassVar[Permission]
    ADMIN: _ClassVar[Permission]

class ResourceKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESOURCE_KIND_UNSPECIFIED: _ClassVar[ResourceKind]
    EXPERIMENT: _ClassVar[ResourceKind]
    REGISTERED_MODEL: _ClassVar[ResourceKind]
    SERVER: _ClassVar[ResourceKind]
PERMISSION_UNSPECIFIED: Permission
READ: Permission
EDIT: Permission
MANAGE: Permission
ADMIN: Permission
RESOURCE_KIND_UNSPECIFIED: ResourceKind
EXPERIMENT: ResourceKind
REGISTERED_MODEL: ResourceKind
SERVER: ResourceKind
RPC_FIELD_NUMBER: _ClassVar[int]
rpc: _descriptor.FieldDescriptor

class HttpEndpoint(_message.Message):
    __slots__ = ("method", "path", "version")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    method: str
    path: str
    version: str
    def __init__(self, method: _Optional[str] = ..., path: _Optional[str] = ..., version: _Optional[str] = ...) -> None: ...

class Access(_message.Message):
    __slots__ = ("resource", "permission")
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    PERMISSION_FIELD_NUMBER: _ClassVar[int]
    resource: ResourceKind
    permission: Permission
    def __init__(self, resource: _Optional[_Union[ResourceKind, str]] = ..., permission: _Optional[_Union[Permission, str]] = ...) -> None: ...

class RpcOptions(_message.Message):
    __slots__ = ("endpoints", "access")
    ENDPOINTS_FIELD_NUMBER: _ClassVar[int]
    ACCESS_FIELD_NUMBER: _ClassVar[int]
    endpoints: _containers.RepeatedCompositeFieldContainer[HttpEndpoint]
    access: Access
    def __init__(self, endpoints: _Optional[_Iterable[_Union[HttpEndpoint, _Mapping]]] = ..., access: _Optional[_Union[Access, _Mapping]] = ...) -> None: ...
