"""The materialized path of the organization tree, as plain functions.

Every organization stores ``path``: its ancestors' ids and its own, each written as a
fixed-width base-36 segment. A subtree is then one range on an indexed column,
``prefix <= path < successor(prefix)``, on SQLite and PostgreSQL alike, and moving a subtree is
one UPDATE that swaps a prefix. Segments use only ``0-9a-z`` so that byte order and every
collation agree.
"""

SEGMENT = 6
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
MAX_ID = 36**SEGMENT - 1


def segment(pk: int) -> str:
    """The path segment of one organization id."""
    if not 0 < pk <= MAX_ID:
        raise ValueError(f"id {pk} does not fit a path segment")
    digits = []
    while pk:
        pk, rest = divmod(pk, 36)
        digits.append(ALPHABET[rest])
    return "".join(reversed(digits)).rjust(SEGMENT, "0")


def segment_id(seg: str) -> int:
    return int(seg, 36)


def child_path(parent_path: str, pk: int) -> str:
    return parent_path + segment(pk)


def depth_of(path: str) -> int:
    """Depth of a path: 0 for a root."""
    return len(path) // SEGMENT - 1


def ancestor_ids(path: str) -> list[int]:
    """Ids of the ancestors, root first, without the organization itself."""
    return [segment_id(path[i : i + SEGMENT]) for i in range(0, len(path) - SEGMENT, SEGMENT)]


def ancestor_paths(path: str) -> list[str]:
    """Paths of the ancestors, root first, without the organization itself."""
    return [path[:i] for i in range(SEGMENT, len(path), SEGMENT)]


def successor(prefix: str) -> str:
    """The smallest path greater than every path that starts with ``prefix``."""
    head, last = prefix[:-SEGMENT], prefix[-SEGMENT:]
    return head + _bump(last)


def _bump(seg: str) -> str:
    value = segment_id(seg) + 1
    if value > MAX_ID:
        # Only reachable for the very last id; "{" sorts after every segment character.
        return "{"
    return segment(value)


def is_descendant_or_self(path: str, of: str) -> bool:
    return path.startswith(of)
