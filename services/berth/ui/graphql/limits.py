"""How big a GraphQL request may be, checked before anything is executed.

A GraphQL document can ask for the same expensive field many times over (aliases, many root
fields) or nest without end; MLflow's server was open to such a batch denial of service
(CVE-2025-0453) until it capped root fields and aliases. Berth caps the text and tokens the
parser reads, the depth, the total number of selections, root fields and aliases per
selection set. The UI's largest query (the run page) uses depth 6, about 80 selections, no
aliases and one root field; the caps stand far above that.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from berth.errors import BerthError, invalid


@dataclass(frozen=True)
class Limits:
    max_query_chars: int = 100_000
    max_tokens: int = 10_000
    max_depth: int = 10
    max_selections: int = 1_000
    max_root_fields: int = 10
    max_aliases: int = 10
    """Per selection set, counting the fields that fragments spread into it."""


def check(document: DocumentNode, limits: Limits) -> None:
    """Raise INVALID_PARAMETER_VALUE when ``document`` exceeds ``limits``.

    Fragments are expanded where they are spread (each at most once per path, so a cycle,
    which validation refuses anyway, cannot loop here).
    """
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    selections = 0
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        stack = [(operation.selection_set, 1, frozenset[str]())]
        while stack:
            selection_set, depth, spread = stack.pop()
            if depth > limits.max_depth:
                raise _over(f"nest at most {limits.max_depth} levels deep")
            fields = list(_fields(selection_set, fragments, spread))
            if depth == 1 and len(fields) > limits.max_root_fields:
                raise _over(f"have at most {limits.max_root_fields} root fields, got {len(fields)}")
            aliases = sum(1 for field, _ in fields if field.alias is not None)
            if aliases > limits.max_aliases:
                raise _over(f"use at most {limits.max_aliases} aliases in one selection set")
            selections += len(fields)
            if selections > limits.max_selections:
                raise _over(f"select at most {limits.max_selections} fields in all")
            stack.extend(
                (field.selection_set, depth + 1, inner)
                for field, inner in fields
                if field.selection_set is not None
            )


def _fields(
    selection_set: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    spread: frozenset[str],
) -> Iterator[tuple[FieldNode, frozenset[str]]]:
    """The fields of a selection set, fragments expanded (without recursion: fragments can
    nest as deep as the parser lets them), each with the fragments spread on its path."""
    pending = [(selection, spread) for selection in reversed(selection_set.selections)]
    while pending:
        selection, on_path = pending.pop()
        inner: SelectionSetNode | None = None
        if isinstance(selection, FieldNode):
            yield selection, on_path
        elif isinstance(selection, InlineFragmentNode):
            inner = selection.selection_set
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in on_path:
                inner, on_path = fragment.selection_set, on_path | {name}
        if inner is not None:
            pending.extend((nested, on_path) for nested in reversed(inner.selections))


def _over(what: str) -> BerthError:
    return invalid(f"GraphQL queries must {what}.")
