"""Generated access tests for every page of the organization tree."""

from django.urls import reverse

from core.testing import Endpoint, access_tests


def org_page(name: str, attr: str | None = None, **kwargs) -> Endpoint:
    """A page about one World organization: ``attr`` on the town_a side; the outside test uses town_b's twin."""
    if attr is None:
        return Endpoint(name=name, url=lambda world: reverse(name), **kwargs)
    twin = attr.replace("_a", "_b")
    return Endpoint(
        name=f"{name}[{kwargs.get('insider', 'admin_a')}]",
        url=lambda world: reverse(name, args=[getattr(world, attr).pk]),
        outside_url=lambda world: reverse(name, args=[getattr(world, twin).pk]),
        **kwargs,
    )


# The reviewer of town_a sees its organizations but neither changes them nor records their facts.
ENDPOINTS = [
    org_page("orgs:tree"),
    org_page("orgs:search", data={"q": "村"}),
    org_page("orgs:detail", "branch_a1"),
    org_page("orgs:detail", "branch_a1", insider="reviewer_a"),
    org_page("orgs:children", "town_a"),
    org_page("orgs:create", "town_a", without_role="reviewer_a"),
    org_page("orgs:edit", "branch_a1", without_role="reviewer_a"),
    org_page("orgs:move", "branch_a1", without_role="reviewer_a"),
    org_page("orgs:dissolve", "branch_a1", without_role="reviewer_a"),
    org_page("orgs:merge", "branch_a1", without_role="reviewer_a"),
    org_page("orgs:facts_new", "branch_a1", without_role="reviewer_a"),
    org_page("orgs:facts_new", "branch_a1", insider="secretary_a1", without_role="reviewer_a"),
    org_page("orgs:audit", "branch_a1"),
    org_page("orgs:roles", "branch_a1"),
]

test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)
