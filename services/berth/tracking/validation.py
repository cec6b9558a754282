"""MLflow's limits on what may be logged, checked before anything is written.

Messages name the offending field (``metrics[3].value``) so a client can tell which entry
of a batch was refused.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections import Counter
from collections.abc import Sequence

from berth.errors import invalid
from berth.tracking.entities import RUN_NAME_TAG, Dataset, DatasetInput, Metric, Param, Tag

MAX_KEY_LENGTH = 250
MAX_PARAM_VALUE_LENGTH = 6000
MAX_TAG_VALUE_LENGTH = 8000
MAX_EXPERIMENT_NAME_LENGTH = 500
MAX_RUN_NAME_LENGTH = 250
MAX_USER_ID_LENGTH = 256
MAX_LOGGED_MODEL_NAME_LENGTH = 500
MAX_MODEL_TYPE_LENGTH = 500
MAX_MODEL_ID_LENGTH = 36
MAX_EXPERIMENT_TAG_VALUE_LENGTH = 20000
MAX_METRICS_PER_BATCH = 1000
MAX_PARAMS_TAGS_PER_BATCH = 100
MAX_ENTITIES_PER_BATCH = 1000
MAX_DATASETS_PER_BATCH = 1000
MAX_DATASET_NAME_LENGTH = 500
MAX_DATASET_DIGEST_LENGTH = 36
MAX_DATASET_SOURCE_LENGTH = 65535
MAX_DATASET_SCHEMA_LENGTH = 1048575
MAX_DATASET_PROFILE_LENGTH = 16777215
MAX_INPUT_TAG_KEY_LENGTH = 255
MAX_INPUT_TAG_VALUE_LENGTH = 500

log = logging.getLogger(__name__)

_KEY_CHARACTERS = re.compile(r"[/\w.\- :]*")


def _at(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def validate_key(key: str, path: str = "key") -> None:
    """Keys may become file names, so they are restricted to a safe alphabet and shape."""
    if not key:
        raise invalid(f"Missing value for parameter '{path}'. Names must be non-empty.")
    if len(key) > MAX_KEY_LENGTH:
        raise invalid(f"'{path}' exceeds the maximum length of {MAX_KEY_LENGTH} characters.")
    if not _KEY_CHARACTERS.fullmatch(key):
        raise invalid(
            f"Invalid value {key!r} for parameter '{path}'. Names may only contain "
            "alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) "
            "and slashes (/)."
        )
    normalized = posixpath.normpath(key)
    if normalized != key or normalized == "." or normalized.startswith(("..", "/")):
        raise invalid(
            f"Invalid value {key!r} for parameter '{path}'. Names must not resolve to other "
            f"names when treated as paths; this one resolves to {normalized!r}."
        )


def validate_length(path: str, value: str | None, limit: int) -> None:
    if value is not None and len(value) > limit:
        raise invalid(f"'{path}' exceeds the maximum length of {limit} characters.")


def validate_metric(metric: Metric, path: str = "") -> None:
    validate_key(metric.key, _at(path, "key"))
    if metric.timestamp < 0:
        raise invalid(
            f"Invalid value {metric.timestamp} for parameter '{_at(path, 'timestamp')}': "
            f"metric '{metric.key}' timestamp must be a nonnegative long (64-bit integer)."
        )
    validate_length(_at(path, "model_id"), metric.model_id, MAX_MODEL_ID_LENGTH)
    validate_length(_at(path, "dataset_name"), metric.dataset_name, MAX_DATASET_NAME_LENGTH)
    validate_length(_at(path, "dataset_digest"), metric.dataset_digest, MAX_DATASET_DIGEST_LENGTH)


def validate_param(param: Param, path: str = "") -> None:
    validate_key(param.key, _at(path, "key"))
    validate_length(_at(path, "value"), param.value, MAX_PARAM_VALUE_LENGTH)


def validate_tag(tag: Tag, path: str = "") -> None:
    """A run tag; the run-name tag is also the run's name, so it has the name's limit."""
    validate_key(tag.key, _at(path, "key"))
    limit = MAX_RUN_NAME_LENGTH if tag.key == RUN_NAME_TAG else MAX_TAG_VALUE_LENGTH
    validate_length(_at(path, "value"), tag.value, limit)


def validate_params(params: Sequence[Param]) -> None:
    for index, param in enumerate(params):
        validate_param(param, f"params[{index}]")


def validate_tags(tags: Sequence[Tag]) -> None:
    for index, tag in enumerate(tags):
        validate_tag(tag, f"tags[{index}]")


def truncated_param(param: Param) -> Param:
    """A run param whose value MLflow's server would truncate, truncated the same way."""
    return Param(param.key, _truncated("Param", param.key, param.value, MAX_PARAM_VALUE_LENGTH))


def truncated_tag(tag: Tag) -> Tag:
    """A run tag whose value MLflow's server would truncate, truncated the same way."""
    return Tag(tag.key, _truncated("Tag", tag.key, tag.value, MAX_TAG_VALUE_LENGTH))


def _truncated(kind: str, key: str, value: str, limit: int) -> str:
    if len(value) <= limit:
        return value
    log.warning("%s %r: value of %d characters truncated to %d", kind, key, len(value), limit)
    return value[:limit]


def validate_experiment_tag(tag: Tag) -> None:
    validate_key(tag.key, "key")
    validate_length("value", tag.value, MAX_EXPERIMENT_TAG_VALUE_LENGTH)


def validate_experiment_name(name: str) -> None:
    if not name:
        raise invalid("Invalid experiment name: ''. Experiment names must be non-empty.")
    validate_length("name", name, MAX_EXPERIMENT_NAME_LENGTH)


def _validate_batch_size(entity: str, limit: int, count: int) -> None:
    if count > limit:
        raise invalid(
            f"A batch logging request can contain at most {limit} {entity}. Got {count} "
            f"{entity}. Please split up {entity} across multiple requests and try again."
        )


def validate_batch(metrics: Sequence[Metric], params: Sequence[Param], tags: Sequence[Tag]) -> None:
    """MLflow's batch limits, then every entry, then unique param keys."""
    _validate_batch_size("metrics", MAX_METRICS_PER_BATCH, len(metrics))
    _validate_batch_size("params", MAX_PARAMS_TAGS_PER_BATCH, len(params))
    _validate_batch_size("tags", MAX_PARAMS_TAGS_PER_BATCH, len(tags))
    _validate_batch_size(
        "metrics, params, and tags",
        MAX_ENTITIES_PER_BATCH,
        len(metrics) + len(params) + len(tags),
    )
    for index, metric in enumerate(metrics):
        validate_metric(metric, f"metrics[{index}]")
    validate_params(params)
    validate_tags(tags)
    duplicates = sorted(key for key, count in Counter(p.key for p in params).items() if count > 1)
    if duplicates:
        raise invalid(
            f"Duplicate parameter keys have been submitted: {duplicates}. Please ensure "
            "the request contains only one param value per param key."
        )


def validate_dataset_inputs(inputs: Sequence[DatasetInput]) -> None:
    _validate_batch_size("datasets", MAX_DATASETS_PER_BATCH, len(inputs))
    for index, dataset_input in enumerate(inputs):
        path = f"datasets[{index}]"
        _validate_dataset(dataset_input.dataset, f"{path}.dataset")
        for tag_index, tag in enumerate(dataset_input.tags):
            tag_path = f"{path}.tags[{tag_index}]"
            if not tag.key:
                raise invalid(f"Missing value for parameter '{tag_path}.key'.")
            validate_length(f"{tag_path}.key", tag.key, MAX_INPUT_TAG_KEY_LENGTH)
            validate_length(f"{tag_path}.value", tag.value, MAX_INPUT_TAG_VALUE_LENGTH)


def _validate_dataset(dataset: Dataset, path: str) -> None:
    for name, value in (
        ("name", dataset.name),
        ("digest", dataset.digest),
        ("source_type", dataset.source_type),
        ("source", dataset.source),
    ):
        if not value:
            raise invalid(f"Missing value for parameter '{path}.{name}'.")
    validate_length(f"{path}.name", dataset.name, MAX_DATASET_NAME_LENGTH)
    validate_length(f"{path}.digest", dataset.digest, MAX_DATASET_DIGEST_LENGTH)
    validate_length(f"{path}.source", dataset.source, MAX_DATASET_SOURCE_LENGTH)
    validate_length(f"{path}.schema", dataset.schema, MAX_DATASET_SCHEMA_LENGTH)
    validate_length(f"{path}.profile", dataset.profile, MAX_DATASET_PROFILE_LENGTH)
