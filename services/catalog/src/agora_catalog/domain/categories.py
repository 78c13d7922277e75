"""The category tree in memory. The whole tree is small (hundreds of nodes), so it is
read in one query and walked here: for the tree view, for "this category and every
category below it" filters, and for the path a search document carries."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Node:
    id: uuid.UUID
    name: str
    slug: str
    parent_id: uuid.UUID | None
    children: list[Node] = field(default_factory=list)


@dataclass
class Tree:
    nodes: dict[uuid.UUID, Node]
    roots: list[Node]

    @classmethod
    def of(cls, nodes: Iterable[Node]) -> Tree:
        """The tree of ``nodes``, children in the order given."""
        by_id = {node.id: node for node in nodes}
        roots: list[Node] = []
        for node in by_id.values():
            parent = by_id.get(node.parent_id) if node.parent_id else None
            (parent.children if parent is not None else roots).append(node)
        return cls(nodes=by_id, roots=roots)

    def path(self, category_id: uuid.UUID) -> list[Node]:
        """Root first, down to the category itself."""
        path: list[Node] = []
        node = self.nodes.get(category_id)
        seen: set[uuid.UUID] = set()
        while node is not None and node.id not in seen:
            seen.add(node.id)
            path.append(node)
            node = self.nodes.get(node.parent_id) if node.parent_id else None
        return list(reversed(path))

    def subtree_ids(self, category_id: uuid.UUID) -> list[uuid.UUID]:
        root = self.nodes.get(category_id)
        if root is None:
            return []
        ids, stack = [], [root]
        while stack:
            node = stack.pop()
            ids.append(node.id)
            stack.extend(node.children)
        return ids
