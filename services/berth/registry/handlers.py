"""One async handler per RegistryService rpc: request message in, response message out.

Handlers only translate between messages and the domain; every rule lives in the service.
"""

from __future__ import annotations

from berth.proto import registry_pb2 as pb
from berth.registry import convert
from berth.registry.entities import Tag
from berth.registry.service import RegistryService
from berth.wire.fields import require


class RegistryHandlers:
    def __init__(self, service: RegistryService) -> None:
        self._service = service

    # ------------------------------------------------------------------ registered models

    async def create_registered_model(
        self, request: pb.CreateRegisteredModel
    ) -> pb.CreateRegisteredModel.Response:
        require(request, "name")
        model = await self._service.create_registered_model(
            request.name, convert.tags_from_proto(request.tags), request.description or None
        )
        return pb.CreateRegisteredModel.Response(
            registered_model=convert.registered_model_to_proto(model)
        )

    async def get_registered_model(
        self, request: pb.GetRegisteredModel
    ) -> pb.GetRegisteredModel.Response:
        require(request, "name")
        model = await self._service.get_registered_model(request.name)
        return pb.GetRegisteredModel.Response(
            registered_model=convert.registered_model_to_proto(model)
        )

    async def rename_registered_model(
        self, request: pb.RenameRegisteredModel
    ) -> pb.RenameRegisteredModel.Response:
        require(request, "name", "new_name")
        model = await self._service.rename_registered_model(request.name, request.new_name)
        return pb.RenameRegisteredModel.Response(
            registered_model=convert.registered_model_to_proto(model)
        )

    async def update_registered_model(
        self, request: pb.UpdateRegisteredModel
    ) -> pb.UpdateRegisteredModel.Response:
        require(request, "name")
        # As MLflow: the description is replaced, by nothing when the request has none.
        model = await self._service.update_registered_model(
            request.name, request.description or None
        )
        return pb.UpdateRegisteredModel.Response(
            registered_model=convert.registered_model_to_proto(model)
        )

    async def delete_registered_model(
        self, request: pb.DeleteRegisteredModel
    ) -> pb.DeleteRegisteredModel.Response:
        require(request, "name")
        await self._service.delete_registered_model(request.name)
        return pb.DeleteRegisteredModel.Response()

    async def search_registered_models(
        self, request: pb.SearchRegisteredModels
    ) -> pb.SearchRegisteredModels.Response:
        page = await self._service.search_registered_models(
            request.filter or None,
            request.max_results if request.HasField("max_results") else None,
            list(request.order_by),
            request.page_token or None,
        )
        response = pb.SearchRegisteredModels.Response(
            registered_models=[convert.registered_model_to_proto(m) for m in page.items]
        )
        if page.next_page_token:
            response.next_page_token = page.next_page_token
        return response

    async def get_latest_versions(
        self, request: pb.GetLatestVersions
    ) -> pb.GetLatestVersions.Response:
        require(request, "name")
        versions = await self._service.get_latest_versions(request.name, list(request.stages))
        return pb.GetLatestVersions.Response(
            model_versions=[convert.model_version_to_proto(v) for v in versions]
        )

    async def set_registered_model_tag(
        self, request: pb.SetRegisteredModelTag
    ) -> pb.SetRegisteredModelTag.Response:
        require(request, "name", "key")
        await self._service.set_registered_model_tag(request.name, Tag(request.key, request.value))
        return pb.SetRegisteredModelTag.Response()

    async def delete_registered_model_tag(
        self, request: pb.DeleteRegisteredModelTag
    ) -> pb.DeleteRegisteredModelTag.Response:
        require(request, "name", "key")
        await self._service.delete_registered_model_tag(request.name, request.key)
        return pb.DeleteRegisteredModelTag.Response()

    # ------------------------------------------------------------------ aliases

    async def set_registered_model_alias(
        self, request: pb.SetRegisteredModelAlias
    ) -> pb.SetRegisteredModelAlias.Response:
        require(request, "name", "alias", "version")
        await self._service.set_alias(request.name, request.alias, request.version)
        return pb.SetRegisteredModelAlias.Response()

    async def delete_registered_model_alias(
        self, request: pb.DeleteRegisteredModelAlias
    ) -> pb.DeleteRegisteredModelAlias.Response:
        require(request, "name", "alias")
        await self._service.delete_alias(request.name, request.alias)
        return pb.DeleteRegisteredModelAlias.Response()

    async def get_model_version_by_alias(
        self, request: pb.GetModelVersionByAlias
    ) -> pb.GetModelVersionByAlias.Response:
        require(request, "name", "alias")
        version = await self._service.get_version_by_alias(request.name, request.alias)
        return pb.GetModelVersionByAlias.Response(
            model_version=convert.model_version_to_proto(version)
        )

    # ------------------------------------------------------------------ model versions

    async def create_model_version(
        self, request: pb.CreateModelVersion
    ) -> pb.CreateModelVersion.Response:
        require(request, "name", "source")
        version = await self._service.create_model_version(
            request.name,
            request.source,
            request.run_id or None,
            convert.tags_from_proto(request.tags),
            request.run_link or None,
            request.description,
            request.model_id or None,
        )
        return pb.CreateModelVersion.Response(model_version=convert.model_version_to_proto(version))

    async def get_model_version(self, request: pb.GetModelVersion) -> pb.GetModelVersion.Response:
        require(request, "name", "version")
        version = await self._service.get_model_version(request.name, request.version)
        return pb.GetModelVersion.Response(model_version=convert.model_version_to_proto(version))

    async def update_model_version(
        self, request: pb.UpdateModelVersion
    ) -> pb.UpdateModelVersion.Response:
        require(request, "name", "version")
        version = await self._service.update_model_version(
            request.name,
            request.version,
            request.description if request.HasField("description") else None,
        )
        return pb.UpdateModelVersion.Response(model_version=convert.model_version_to_proto(version))

    async def transition_model_version_stage(
        self, request: pb.TransitionModelVersionStage
    ) -> pb.TransitionModelVersionStage.Response:
        require(request, "name", "version", "stage")
        version = await self._service.transition_stage(
            request.name, request.version, request.stage, request.archive_existing_versions
        )
        return pb.TransitionModelVersionStage.Response(
            model_version=convert.model_version_to_proto(version)
        )

    async def delete_model_version(
        self, request: pb.DeleteModelVersion
    ) -> pb.DeleteModelVersion.Response:
        require(request, "name", "version")
        await self._service.delete_model_version(request.name, request.version)
        return pb.DeleteModelVersion.Response()

    async def search_model_versions(
        self, request: pb.SearchModelVersions
    ) -> pb.SearchModelVersions.Response:
        page = await self._service.search_model_versions(
            request.filter or None,
            request.max_results if request.HasField("max_results") else None,
            list(request.order_by),
            request.page_token or None,
        )
        response = pb.SearchModelVersions.Response(
            model_versions=[convert.model_version_to_proto(v) for v in page.items]
        )
        if page.next_page_token:
            response.next_page_token = page.next_page_token
        return response

    async def get_model_version_download_uri(
        self, request: pb.GetModelVersionDownloadUri
    ) -> pb.GetModelVersionDownloadUri.Response:
        require(request, "name", "version")
        uri = await self._service.get_download_uri(request.name, request.version)
        return pb.GetModelVersionDownloadUri.Response(artifact_uri=uri)

    async def set_model_version_tag(
        self, request: pb.SetModelVersionTag
    ) -> pb.SetModelVersionTag.Response:
        require(request, "name", "version", "key")
        await self._service.set_model_version_tag(
            request.name, request.version, Tag(request.key, request.value)
        )
        return pb.SetModelVersionTag.Response()

    async def delete_model_version_tag(
        self, request: pb.DeleteModelVersionTag
    ) -> pb.DeleteModelVersionTag.Response:
        require(request, "name", "version", "key")
        await self._service.delete_model_version_tag(request.name, request.version, request.key)
        return pb.DeleteModelVersionTag.Response()
