"""The role × URL matrix (issue 12, point 17): every route of the URLconf, in GET and POST,
as each of eight visitors, answers what its rule in ``url_matrix.RULES`` says; a route
without a rule fails the suite, so nobody adds a page without saying who may reach it."""
import pytest

from . import url_matrix


def test_every_url_name_has_a_rule():
    missing = url_matrix.names_without_rule()
    assert not missing, ("URL names without a rule in tests/contribbudget/url_rules.py RULES "
                         "(say which object their kwargs come from and who may GET/POST them): "
                         + ", ".join(missing))


def test_no_unnamed_route_outside_the_admin():
    assert not url_matrix.unnamed_routes_not_allowed()


def test_every_rule_names_a_url_that_exists():
    names = {route.name for route in url_matrix.routes() if route.name}
    assert not sorted(set(url_matrix.RULES) - names)


@pytest.mark.django_db
def test_every_url_answers_each_visitor_as_its_rule_says():
    scene = url_matrix.Scene()
    visits = list(url_matrix.visit_all(scene))
    wrong = [v for v in visits if v.got != v.expected]
    names = {v.name for v in visits}
    print(f"URL matrix: {len(names)} URL names ({len(url_matrix.RULES)} with their own rule) × "
          f"{len(url_matrix.VISITORS)} visitors × GET/POST = {len(visits)} visits")
    report = "\n".join(
        f"{v.method:4} {v.name} {v.url} as {v.visitor}: expected {v.expected}, got {v.got} "
        f"({v.status}) {v.body[:200] if v.got == '5' else ''}" for v in wrong)
    assert not wrong, f"{len(wrong)} of {len(visits)} visits break their rule:\n{report}"
    # Every named route was visited by every visitor in both methods.
    assert len(visits) == 2 * len(url_matrix.VISITORS) * len(
        {route.name for route in url_matrix.routes() if route.name})
