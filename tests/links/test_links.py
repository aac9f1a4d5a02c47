"""The link chart: what each role is drawn, the refusals, the analysis, the audit of opening a
chart, shortest connections and the panels on the group's and person's pages."""

import datetime

import pytest
from django.utils import timezone

from drachma.audit.models import AuditAction, AuditEntry
from drachma.links import analysis, graph, selectors
from drachma.links.graph import MAX_DEPTH
from tests.conftest import sign_in
from tests.factories import field_of
from tests.links import network
from tests.links.network import PHONE_E164

pytestmark = pytest.mark.django_db


@pytest.fixture
def net(supervisor):
    return network.build(supervisor)


def ids(chart, type_name=None):
    return {n.id for n in chart.nodes.values() if type_name is None or n.type == type_name}


def kinds(chart):
    return {(link.source, link.kind, link.target) for link in chart.links.values()}


def test_a_supervisor_sees_the_groups_shared_member_subject_account_and_footage(net, supervisor):
    chart = selectors.chart_for(supervisor, f"group:{net.a.pk}", depth=2)
    assert {
        f"incident:{net.first.pk}",
        f"person:{net.subject.pk}",
        f"person:{net.member.pk}",
        f"group:{net.b.pk}",  # through the shared member
        f"footage:{net.footage.pk}",
        "handle:shared_hunt",
        f"report:{net.reports[0].pk}",
    } <= ids(chart)
    links = kinds(chart)
    assert (f"person:{net.member.pk}", "member_of", f"group:{net.a.pk}") in links
    assert (f"person:{net.subject.pk}", "subject_of", f"incident:{net.first.pk}") in links
    assert (f"group:{net.a.pk}", "published", f"footage:{net.footage.pk}") in links
    assert (f"report:{net.reports[0].pk}", "reported", f"incident:{net.first.pk}") in links
    member_link = chart.links[f"person:{net.member.pk}|member_of|group:{net.a.pk}"]
    assert member_link.first == net.first.occurred_at
    assert member_link.records[0].startswith("incidents.incidentperson:")
    assert chart.hidden == 0


def test_an_analyst_is_drawn_no_person_and_told_how_many_are_not_shown(net, analyst):
    chart = selectors.chart_for(analyst, f"group:{net.a.pk}", depth=2)
    assert not ids(chart, "person") and not ids(chart, "footage") and not ids(chart, "report")
    assert f"incident:{net.first.pk}" in ids(chart)
    incident = chart.nodes[f"incident:{net.first.pk}"]
    # Two people, the footage and the report are kept from the analyst's chart.
    assert incident.hidden == 4
    assert chart.nodes[f"group:{net.a.pk}"].hidden >= 2  # the member, and the footage
    # The shared handle is the group register's, which analysts read: it still joins the groups.
    deeper = selectors.chart_for(analyst, f"group:{net.a.pk}", depth=3)
    assert f"account:{net.b.accounts.get().pk}" in ids(deeper)


def test_a_person_hidden_from_the_role_is_refused_like_an_unknown_one(net, analyst, supervisor):
    with pytest.raises(graph.ValidationError) as hidden:
        selectors.chart_for(analyst, f"person:{net.subject.pk}")
    with pytest.raises(graph.ValidationError) as unknown:
        selectors.chart_for(supervisor, "person:999999")
    assert list(hidden.value.message_dict) == ["chart_start"] == list(unknown.value.message_dict)
    assert "that you may see" in hidden.value.message_dict["chart_start"][0]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("depth=4", "depth"),
        ("depth=0", "depth"),
        ("depth=1000000", "depth"),
        ("date_from=2026-05-01&date_to=2026-04-01", "date_to"),
        ("types=group&types=spaceship", "types"),
        ("date_from=yesterday", "date_from"),
    ],
)
def test_the_api_refuses_bad_chart_requests_naming_the_field(net, client, supervisor, query, field):
    sign_in(client, supervisor)
    response = client.get(f"/api/links/charts/group:{net.a.pk}?{query}")
    assert response.status_code == 422
    assert field_of(response) == [field]


@pytest.mark.parametrize(
    "start", ["group:999999", "group", "spaceship:1", "group:abc", "person:1x"]
)
def test_the_api_refuses_an_unknown_or_malformed_entity(net, client, supervisor, start):
    sign_in(client, supervisor)
    response = client.get(f"/api/links/charts/{start}")
    assert response.status_code == 422
    assert field_of(response) == ["chart_start"]


def test_the_chart_page_refuses_bad_filters_and_an_unknown_entity(net, client, supervisor):
    sign_in(client, supervisor)
    too_deep = client.get(f"/links/chart/group:{net.a.pk}/?depth={MAX_DEPTH + 1}")
    assert too_deep.status_code == 400
    assert "Select a valid choice" in too_deep.content.decode()
    backwards = client.get(
        f"/links/chart/group:{net.a.pk}/?date_from=2026-05-01&date_to=2026-04-01"
    )
    assert backwards.status_code == 400
    assert "The end of the date range is before its start." in backwards.content.decode()
    assert client.get("/links/chart/group:999999/").status_code == 404
    export = client.get(f"/links/chart/group:{net.a.pk}/export/anx/?depth=9")
    assert export.status_code == 400 and "depth" in export.content.decode()
    assert client.get(f"/links/chart/group:{net.a.pk}/export/pdf/").status_code == 404


def test_the_date_range_keeps_only_links_dated_within_it(net, supervisor):
    today = timezone.localdate()
    chart = selectors.chart_for(
        supervisor,
        f"person:{net.member.pk}",
        depth=1,
        date_from=today - datetime.timedelta(days=60),
        date_to=today,
    )
    assert f"group:{net.a.pk}" in ids(chart) and f"group:{net.b.pk}" in ids(chart)
    assert f"group:{net.c.pk}" not in ids(chart)  # the member's incident for C is 400 days old
    everything = selectors.chart_for(supervisor, f"person:{net.member.pk}", depth=1)
    assert f"group:{net.c.pk}" in ids(everything)


def test_the_widest_date_range_there_is_draws_everything(net, supervisor):
    chart = selectors.chart_for(
        supervisor,
        f"person:{net.member.pk}",
        depth=1,
        date_from=datetime.date(1, 1, 1),
        date_to=datetime.date.max,
    )
    assert f"group:{net.c.pk}" in ids(chart)


def test_types_shown_limit_what_is_drawn_and_walked(net, supervisor):
    chart = selectors.chart_for(
        supervisor, f"group:{net.a.pk}", depth=3, types=["group", "incident"]
    )
    assert {n.type for n in chart.nodes.values()} == {"group", "incident"}
    assert f"group:{net.b.pk}" not in ids(chart)  # reached only through people or handles


def test_a_chart_is_cut_at_its_largest_size_and_says_so(net, supervisor):
    chart = graph.build(supervisor, ("group", net.a.pk), depth=3, max_nodes=3)
    assert len(chart.nodes) == 3 and chart.truncated


def test_opening_a_chart_is_recorded_in_the_audit_log(net, supervisor):
    before = AuditEntry.objects.filter(action=AuditAction.VIEW).count()
    selectors.chart_for(supervisor, f"group:{net.a.pk}", depth=2)
    views = AuditEntry.objects.filter(action=AuditAction.VIEW).order_by("seq")[before:]
    models = {v.model for v in views}
    assert "groups.group" in models and "people.person" in models
    people = next(v for v in views if v.model == "people.person")
    assert set(people.changes["ids"]) == {str(net.subject.pk), str(net.member.pk)}
    assert people.changes["query"] == f"link chart of group:{net.a.pk}"


def test_expanding_a_node_is_a_chart_of_depth_one_around_it(net, client, supervisor):
    sign_in(client, supervisor)
    response = client.get(f"/api/links/charts/person:{net.member.pk}?depth=1")
    assert response.status_code == 200
    body = response.json()
    assert {n["id"] for n in body["nodes"]} >= {
        f"group:{net.a.pk}",
        f"group:{net.b.pk}",
        f"incident:{net.first.pk}",
    }
    node = next(n for n in body["nodes"] if n["id"] == f"person:{net.member.pk}")
    assert node["degree"] >= 5 and node["type_label"] == "Person"
    link = next(x for x in body["links"] if x["kind"] == "member_of")
    assert link["label"] == "Member of" and link["records"]


def test_the_shortest_connection_goes_through_what_the_role_may_see(net, client, analyst):
    sign_in(client, analyst)
    response = client.get(f"/api/links/paths/group:{net.a.pk}/group:{net.b.pk}")
    assert response.status_code == 200
    path = response.json()["path"]
    # Not through the shared member (hidden from analysts), but through the shared handle.
    assert path[0] == f"group:{net.a.pk}" and path[-1] == f"group:{net.b.pk}"
    assert "handle:shared_hunt" in path and not any(p.startswith("person:") for p in path)
    assert len(response.json()["links"]) == len(path) - 1


def test_a_supervisors_shortest_connection_may_go_through_a_person(net, supervisor):
    chart, path = selectors.path_for(supervisor, f"group:{net.a.pk}", f"group:{net.b.pk}")
    assert len(path) == 3 and path[1] == f"person:{net.member.pk}"


def test_no_connection_is_an_empty_path(net, supervisor):
    lonely = network.groups.save_group(name="Lonely Group", status="active")
    chart, path = selectors.path_for(supervisor, f"group:{net.a.pk}", f"group:{lonely.pk}")
    assert path == [] and len(chart.nodes) == 2 and not chart.links


def test_the_path_refuses_an_unknown_end_naming_it(net, client, supervisor):
    sign_in(client, supervisor)
    response = client.get(f"/api/links/paths/group:{net.a.pk}/group:999999")
    assert response.status_code == 422 and field_of(response) == ["chart_end"]


def test_analysis_finds_shared_groups_suspects_and_recurring_identifiers(net, supervisor, analyst):
    pairs = {(p["a_name"], p["b_name"]): p for p in analysis.shared_groups(supervisor)}
    ab = pairs[("Alpha Hunters", "Beta Watch")]
    assert ab["members"] == 1 and ab["handles"] == ["shared_hunt"]
    # Analysts are told of the shared handle, not of the member (who was involved is not theirs).
    analyst_pairs = {(p["a_name"], p["b_name"]): p for p in analysis.shared_groups(analyst)}
    assert analyst_pairs[("Alpha Hunters", "Beta Watch")]["members"] == 0
    suspects = analysis.suspects_confronted_by_several(supervisor)
    assert [(s["person"], s["groups"]) for s in suspects] == [
        (net.subject, ["Alpha Hunters", "Beta Watch"])
    ]
    assert analysis.suspects_confronted_by_several(analyst) == []
    recurring = analysis.recurring_identifiers(supervisor)
    assert {"type": "phone", "value": PHONE_E164, "reports": 2, "accounts": 0} in recurring
    assert {"type": "handle", "value": "shared_hunt", "reports": 0, "accounts": 2} in recurring
    assert all(r["type"] != "phone" for r in analysis.recurring_identifiers(analyst))


def test_measures_rank_the_shared_member_between_the_groups(net, supervisor):
    chart = selectors.chart_for(supervisor, f"person:{net.member.pk}", depth=2)
    m = analysis.measures(chart)
    assert m.degree[f"person:{net.member.pk}"] >= 5
    top = analysis.key_entities(chart, m, limit=1)[0]["node"]
    assert top.id == f"person:{net.member.pk}"
    assert m.communities >= 1 and set(m.community) == set(chart.nodes)


def test_the_group_page_and_person_page_show_the_links_panel(net, client, supervisor):
    sign_in(client, supervisor)
    group_page = client.get(f"/groups/{net.a.pk}/").content.decode()
    assert "Shares members or accounts with" in group_page and "Beta Watch" in group_page
    assert f"/links/chart/group:{net.a.pk}/" in group_page
    person_page = client.get(f"/people/{net.subject.pk}/").content.decode()
    assert "Confronted by 2 groups: Alpha Hunters, Beta Watch." in person_page
    assert "More than one group" in person_page


def test_the_chart_page_draws_for_the_role_and_lists_the_analysis(net, client, supervisor):
    sign_in(client, supervisor)
    response = client.get(f"/links/chart/group:{net.a.pk}/?depth=2")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="link-chart"' in page and "cytoscape.min.js" in page and "links/chart.js" in page
    assert "People confronted by more than one group" in page and "Gary Confronted" in page
    assert "<script>" not in page  # no inline script (Content-Security-Policy)


def test_the_index_lists_groups_sharing_members_or_accounts(net, client, analyst):
    sign_in(client, analyst)
    page = client.get("/links/").content.decode()
    assert "Alpha Hunters</a> and <a" in page and "shared_hunt" in page
    found = client.get("/links/", {"start": f"group:{net.b.pk}"})
    assert found.status_code == 302 and found["Location"] == f"/links/chart/group:{net.b.pk}/"


def test_betweenness_of_a_large_chart_is_estimated_and_still_finds_the_bridge():
    chart = graph.Chart(start="group:0")
    # Two stars of 200 people each, joined through one person: she is the bridge.
    for hub in (0, 1):
        chart.nodes[f"group:{hub}"] = graph.Node(f"group:{hub}", "group", hub)
        for i in range(200):
            person = f"person:{hub * 1000 + i}"
            chart.nodes[person] = graph.Node(person, "person", hub * 1000 + i)
            link = graph.Link(person, f"group:{hub}", "member_of")
            chart.links[link.id] = link
    chart.nodes["person:5000"] = graph.Node("person:5000", "person", 5000)
    for hub in (0, 1):
        link = graph.Link("person:5000", f"group:{hub}", "member_of")
        chart.links[link.id] = link
    m = analysis.measures(chart)
    assert len(chart.nodes) > analysis.EXACT_BETWEENNESS
    top = sorted(m.betweenness, key=m.betweenness.__getitem__, reverse=True)[:3]
    assert "person:5000" in top and {"group:0", "group:1"} <= set(top)
    assert m.communities >= 2


def test_a_chart_may_start_from_a_phone_number_or_a_handle(net, supervisor, analyst):
    phone = selectors.chart_for(supervisor, f"phone:{PHONE_E164}", depth=1)
    assert ids(phone, "report") == {f"report:{r.pk}" for r in net.reports}
    handle = selectors.chart_for(analyst, "handle:shared_hunt", depth=2)
    assert ids(handle, "group") == {f"group:{net.a.pk}", f"group:{net.b.pk}"}
    with pytest.raises(graph.ValidationError) as refused:
        selectors.chart_for(analyst, f"phone:{PHONE_E164}")  # reports are not the analyst's
    assert list(refused.value.message_dict) == ["chart_start"]
    with pytest.raises(graph.ValidationError):
        selectors.chart_for(supervisor, "handle:nobody_at_all")


def test_a_restricted_person_is_held_out_of_the_chart_but_not_from_a_supervisor(
    net, investigator, supervisor
):
    from drachma.core.restrictions import restrict

    before = selectors.chart_for(investigator, f"incident:{net.first.pk}", depth=1)
    assert f"person:{net.subject.pk}" in ids(before)
    restrict(net.subject, reason="Accuracy contested (s.47(2)).", user=supervisor)
    after = selectors.chart_for(investigator, f"incident:{net.first.pk}", depth=1)
    assert f"person:{net.subject.pk}" not in ids(after)
    assert not any(
        f"person:{net.subject.pk}" in (link.source, link.target) for link in after.links.values()
    )
    incident = f"incident:{net.first.pk}"
    assert after.nodes[incident].hidden == before.nodes[incident].hidden + 1
    with pytest.raises(graph.ValidationError):
        selectors.chart_for(investigator, f"person:{net.subject.pk}")
    # The roles that must still see restricted records (docs/rights.md) are drawn it.
    assert f"person:{net.subject.pk}" in ids(
        selectors.chart_for(supervisor, f"incident:{net.first.pk}", depth=1)
    )
