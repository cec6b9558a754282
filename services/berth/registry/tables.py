"""The registry slice's tables.

- A registered model has a surrogate integer key: renaming it rewrites one row, and its
  versions, tags and aliases follow by key, not by name.
- ``model_versions`` keeps deleted versions (stage ``Deleted_Internal``, details redacted) so a
  version number is never handed out twice; numbers are allocated under a lock on the model
  row (see ``SqlRegistryStore.create_model_version``).
- Tag filters in searches are ``EXISTS`` probes keyed by (owner, key): the primary keys of the
  tag tables serve them, and the (key, owner) indexes serve a filter that starts from the tag.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from berth.db.base import Base
from berth.tracking.tables import AutoId

NAME_LENGTH = 256
KEY_LENGTH = 250
ALIAS_LENGTH = 255
STAGE_LENGTH = 20
RUN_ID_LENGTH = 32
MODEL_ID_LENGTH = 36


def _model_fk(table: str) -> ForeignKey:
    # Named explicitly: the naming convention's name would pass PostgreSQL's 63 characters.
    return ForeignKey("registered_models.id", ondelete="CASCADE", name=f"fk_{table}_model")


class RegisteredModelRow(Base):
    __tablename__ = "registered_models"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    creation_time: Mapped[int] = mapped_column(BigInteger)
    last_updated_time: Mapped[int] = mapped_column(BigInteger, index=True)
    description: Mapped[str | None] = mapped_column(Text)


class ModelVersionRow(Base):
    __tablename__ = "model_versions"
    __table_args__ = (
        Index("ix_model_versions_run_id", "run_id"),
        Index("ix_model_versions_last_updated_time", "last_updated_time"),
    )

    registered_model_id: Mapped[int] = mapped_column(
        AutoId, _model_fk("model_versions"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    creation_time: Mapped[int] = mapped_column(BigInteger)
    last_updated_time: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[str | None] = mapped_column(String(256))
    current_stage: Mapped[str] = mapped_column(String(STAGE_LENGTH))
    source: Mapped[str] = mapped_column(Text)
    storage_location: Mapped[str] = mapped_column(Text)
    run_id: Mapped[str | None] = mapped_column(String(RUN_ID_LENGTH))
    run_link: Mapped[str | None] = mapped_column(Text)
    model_id: Mapped[str | None] = mapped_column(String(MODEL_ID_LENGTH))
    status: Mapped[int] = mapped_column(Integer)
    status_message: Mapped[str | None] = mapped_column(Text)


class RegisteredModelTagRow(Base):
    __tablename__ = "registered_model_tags"
    __table_args__ = (
        Index("ix_registered_model_tags_key_registered_model_id", "key", "registered_model_id"),
    )

    registered_model_id: Mapped[int] = mapped_column(
        AutoId, _model_fk("registered_model_tags"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ModelVersionTagRow(Base):
    __tablename__ = "model_version_tags"
    __table_args__ = (
        ForeignKeyConstraint(
            ["registered_model_id", "version"],
            ["model_versions.registered_model_id", "model_versions.version"],
            name="fk_model_version_tags_version_model_versions",
            ondelete="CASCADE",
        ),
        Index(
            "ix_model_version_tags_key_registered_model_id_version",
            "key",
            "registered_model_id",
            "version",
        ),
    )

    registered_model_id: Mapped[int] = mapped_column(AutoId, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RegisteredModelAliasRow(Base):
    __tablename__ = "registered_model_aliases"

    registered_model_id: Mapped[int] = mapped_column(
        AutoId, _model_fk("registered_model_aliases"), primary_key=True
    )
    alias: Mapped[str] = mapped_column(String(ALIAS_LENGTH), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
