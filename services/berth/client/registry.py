"""RegistryService's client: every rpc (all unary)."""

from __future__ import annotations

from berth.client.calls import AsyncService, SyncService, Unary
from berth.proto import registry_pb2 as pb


class RegistryMethods:
    SERVICE = "berth.v1.RegistryService"

    create_registered_model = Unary(pb.CreateRegisteredModel, pb.CreateRegisteredModel.Response)
    rename_registered_model = Unary(pb.RenameRegisteredModel, pb.RenameRegisteredModel.Response)
    update_registered_model = Unary(pb.UpdateRegisteredModel, pb.UpdateRegisteredModel.Response)
    delete_registered_model = Unary(pb.DeleteRegisteredModel, pb.DeleteRegisteredModel.Response)
    get_registered_model = Unary(pb.GetRegisteredModel, pb.GetRegisteredModel.Response)
    search_registered_models = Unary(pb.SearchRegisteredModels, pb.SearchRegisteredModels.Response)
    get_latest_versions = Unary(pb.GetLatestVersions, pb.GetLatestVersions.Response)
    create_model_version = Unary(pb.CreateModelVersion, pb.CreateModelVersion.Response)
    update_model_version = Unary(pb.UpdateModelVersion, pb.UpdateModelVersion.Response)
    transition_model_version_stage = Unary(
        pb.TransitionModelVersionStage,
        pb.TransitionModelVersionStage.Response,
    )
    delete_model_version = Unary(pb.DeleteModelVersion, pb.DeleteModelVersion.Response)
    get_model_version = Unary(pb.GetModelVersion, pb.GetModelVersion.Response)
    search_model_versions = Unary(pb.SearchModelVersions, pb.SearchModelVersions.Response)
    get_model_version_download_uri = Unary(
        pb.GetModelVersionDownloadUri,
        pb.GetModelVersionDownloadUri.Response,
    )
    set_registered_model_tag = Unary(pb.SetRegisteredModelTag, pb.SetRegisteredModelTag.Response)
    set_model_version_tag = Unary(pb.SetModelVersionTag, pb.SetModelVersionTag.Response)
    delete_registered_model_tag = Unary(
        pb.DeleteRegisteredModelTag,
        pb.DeleteRegisteredModelTag.Response,
    )
    delete_model_version_tag = Unary(pb.DeleteModelVersionTag, pb.DeleteModelVersionTag.Response)
    set_registered_model_alias = Unary(
        pb.SetRegisteredModelAlias,
        pb.SetRegisteredModelAlias.Response,
    )
    delete_registered_model_alias = Unary(
        pb.DeleteRegisteredModelAlias,
        pb.DeleteRegisteredModelAlias.Response,
    )
    get_model_version_by_alias = Unary(
        pb.GetModelVersionByAlias,
        pb.GetModelVersionByAlias.Response,
    )


class RegistryClient(RegistryMethods, SyncService):
    pass


class AsyncRegistryClient(RegistryMethods, AsyncService):
    pass
