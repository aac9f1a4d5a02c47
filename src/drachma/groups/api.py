"""The group register's API: groups with their aliases and platform accounts, first and last
seen, and their timeline."""

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from drachma.areas.models import Borough
from drachma.core.apitools import Allow, filtered
from drachma.core.choices import Platform
from drachma.core.paging import PageNumberPagination
from drachma.groups import selectors, services
from drachma.groups.filtersets import GroupFilterSet
from drachma.groups.models import Group, GroupStatus

router = Router()


class GroupFilters(Schema):
    q: str | None = Field(None, description="Name, alias or platform handle")
    status: GroupStatus | None = None
    borough: str | None = Field(None, description="Home borough, ONS code")
    platform: Platform | None = None


class AccountIn(Schema):
    platform: Platform
    handle: str = Field(max_length=120, min_length=1)
    url: str = Field("", max_length=500, description="http(s) only")


class AccountOut(Schema):
    platform: str
    handle: str
    url: str


class GroupIn(Schema):
    name: str = Field(max_length=120, min_length=1)
    status: GroupStatus = GroupStatus.ACTIVE
    home_borough: str | None = Field(None, description="ONS code")
    home_area_text: str = Field("", max_length=200)
    description: str = Field("", max_length=5000)
    aliases: list[str] = []
    accounts: list[AccountIn] = []
    mopi_group: int = Field(4, ge=1, le=4)
    review_date: datetime.date | None = None


class GroupPatch(Schema):
    name: str | None = Field(None, max_length=120, min_length=1)
    status: GroupStatus | None = None
    home_borough: str | None = None
    home_area_text: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    aliases: list[str] | None = None
    accounts: list[AccountIn] | None = None
    mopi_group: int | None = Field(None, ge=1, le=4)
    review_date: datetime.date | None = None


class GroupOut(Schema):
    id: int
    name: str
    status: str
    home_borough: str | None = Field(None, alias="home_borough.code")
    home_borough_name: str | None = Field(None, alias="home_borough.name")
    home_area_text: str
    description: str
    aliases: list[str]
    accounts: list[AccountOut]
    first_seen: datetime.datetime | None = Field(
        None, description="Earliest incident or intelligence"
    )
    last_seen: datetime.datetime | None = Field(None, description="Latest incident or intelligence")
    mopi_group: int
    review_date: datetime.date

    @staticmethod
    def resolve_aliases(obj) -> list[str]:
        return [a.name for a in obj.aliases.all()]

    @staticmethod
    def resolve_accounts(obj) -> list:
        return list(obj.accounts.all())


def _group_data(data: dict) -> dict:
    """ONS code to borough; alias lengths checked here so that the field is named."""
    if data.get("home_borough"):
        code = data["home_borough"]
        data["home_borough"] = Borough.objects.filter(code=code).first()
        if data["home_borough"] is None:
            raise ValidationError({"home_borough": f"Unknown borough code {code!r}."})
    elif "home_borough" in data:
        data["home_borough"] = None
    for i, alias in enumerate(data.get("aliases") or []):
        if len(alias) > 120:
            raise ValidationError({f"aliases.{i}": "An alias is at most 120 characters."})
    for name in ("name", "home_area_text", "description", "status", "mopi_group"):
        if name in data and data[name] is None:
            raise ValidationError({name: "This field cannot be null."})
    return data


def _group(group_id: int) -> Group:
    return get_object_or_404(selectors.groups_with_activity(), pk=group_id)


@router.get("/groups", response=list[GroupOut], auth=Allow("groups.view_group"))
@paginate(PageNumberPagination)
def list_groups(request, filters: GroupFilters = Query(...)):
    return filtered(GroupFilterSet, filters, selectors.groups_with_activity())


@router.post("/groups", response={201: GroupOut}, auth=Allow("groups.add_group"))
def create_group(request, payload: GroupIn):
    data = _group_data(payload.dict())
    group = services.save_group(user=request.user, **data)
    return Status(201, _group(group.pk))


@router.get("/groups/{int:group_id}", response=GroupOut, auth=Allow("groups.view_group", hide=True))
def get_group(request, group_id: int):
    return _group(group_id)


@router.patch(
    "/groups/{int:group_id}", response=GroupOut, auth=Allow("groups.change_group", hide=True)
)
def update_group(request, group_id: int, payload: GroupPatch):
    group = get_object_or_404(Group, pk=group_id)
    data = _group_data(payload.dict(exclude_unset=True))
    services.save_group(group, user=request.user, **data)
    return _group(group_id)


class TimelineItemOut(Schema):
    when: datetime.datetime
    kind: str = Field(description="incident or intelligence")
    reference: str
    id: int
    status: str
    summary: str = Field(description="An incident's kind and place, or an entry's grading")


def _timeline_item(item: dict) -> dict:
    obj = item["object"]
    return {
        "when": item["when"],
        "kind": item["activity"].kind,
        "reference": obj.reference,
        "id": obj.pk,
        "status": obj.status,
        "summary": item["activity"].summary(obj),
    }


@router.get(
    "/groups/{int:group_id}/timeline",
    response=list[TimelineItemOut],
    auth=Allow("groups.view_group", "incidents.view_incident", hide=True),
    description="The group's incidents and, for roles that may see intelligence, its "
    "intelligence entries; newest first.",
)
@paginate(PageNumberPagination)
def group_timeline(request, group_id: int):
    group = get_object_or_404(Group, pk=group_id)
    return [_timeline_item(i) for i in selectors.group_timeline(group, request.user)]
