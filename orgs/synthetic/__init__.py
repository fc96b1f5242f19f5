"""Synthetic organization trees shaped like a real province, written in bulk; and a from-scratch recount.

``synthetic_tree_create`` exists for benchmarks and load tests (DESIGN.md "Scale we build for": a
province is a few hundred thousand organizations, the country about 5.2 million). Going through
``orgs.services.organization_create`` costs several statements and an audit row per organization,
hours for a million; here everything the tree needs — ids, paths, depths, ``children_count`` and
``descendants_count`` — is computed in Python while the tree is generated, and the rows are
streamed with each engine's fastest portable path: ``COPY … FROM STDIN`` (psycopg 3) on
PostgreSQL, ``executemany`` in one big transaction on SQLite. One audit event records the bulk
load on the generated root.

``organization_counts_recount`` recomputes both kept-current counts from scratch with portable SQL,
bottom-up by depth, to check (and optionally repair) what the services keep current.

By sub-topic: the name material, the generator of a tree's rows, writing them, the recount.
"""

from orgs.synthetic.generator import GenerateResult
from orgs.synthetic.recount import CountMismatch, RecountResult, organization_counts_recount
from orgs.synthetic.writing import synthetic_tree_create

__all__ = ["GenerateResult", "synthetic_tree_create", "CountMismatch", "RecountResult", "organization_counts_recount"]
