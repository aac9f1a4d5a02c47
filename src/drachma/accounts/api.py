"""The accounts API: who you are, your API tokens, and (administrators) users and roles."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django_otp.plugins.otp_totp.models import TOTPDevice
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from drachma.accounts import services
from drachma.accounts.models import Account, APIToken, RoleGrant, RoleGrantStatus
from drachma.core.apitools import Allow
from drachma.core.paging import PageNumberPagination
from drachma.core.roles import Role

router = Router()

OWN = "accounts.view_own_account"
MANAGE = "accounts.manage_users"


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    roles: list[str]
    permissions: list[str]
    has_totp: bool
    team: str
    collar_number: str


class TokenOut(Schema):
    id: int
    name: str
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    usable: bool = Field(alias="is_usable")


class TokenIn(Schema):
    name: str = Field(max_length=100, description="What will use the token")


class NewTokenOut(TokenOut):
    key: str = Field(description="The token itself; shown once, only its hash is kept")


def _account(user) -> Account:
    try:
        return user.account
    except Account.DoesNotExist:
        return Account(user=user)


@router.get("/me", response=MeOut, auth=Allow(OWN))
def me(request):
    user = request.user
    account = _account(user)
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "roles": sorted(services.roles_of(user)),
        "permissions": sorted(user.get_all_permissions()),
        "has_totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "team": account.team,
        "collar_number": account.collar_number,
    }


@router.get("/tokens", response=list[TokenOut], auth=Allow(OWN))
def list_tokens(request):
    return APIToken.objects.filter(user=request.user).order_by("-created_at")


@router.post("/tokens", response={201: NewTokenOut}, auth=Allow(OWN))
def create_token(request, payload: TokenIn):
    # Only a signed-in session that passed the second factor counts; a token never does.
    by_token = request.headers.get("Authorization", "").lower().startswith("bearer ")
    verified = not by_token and getattr(request.user, "is_verified", lambda: False)()
    token, key = services.issue_token(request.user, payload.name, verified=verified)
    # The key exists only here: the token row keeps its hash.
    return Status(201, {**TokenOut.model_validate(token).model_dump(by_alias=True), "key": key})


@router.delete(
    "/tokens/{int:token_id}",
    response={204: None},
    auth=Allow(OWN, hide=True),
    description="Revoke one of your own tokens (another user's answers 404).",
)
def revoke_token(request, token_id: int):
    token = get_object_or_404(APIToken, pk=token_id, user=request.user)
    services.revoke_token(token)
    return Status(204, None)


# --- user management (administrators) ---------------------------------------------------


class UserFilters(Schema):
    q: str | None = Field(None, max_length=150, description="Username, name or email")
    role: Role | None = None
    active: bool | None = None


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    is_active: bool
    roles: list[str]
    roles_awaiting_approval: list[str] = Field(
        description="Roles asked for that a second administrator has yet to approve"
    )
    team: str
    collar_number: str
    supervisor: str | None
    last_login: datetime.datetime | None
    date_joined: datetime.datetime


class UserIn(Schema):
    username: str = Field(max_length=150, min_length=1)
    password: str = Field(max_length=128, description="Checked against the password rules")
    roles: list[Role] = []
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    email: str = Field("", max_length=254)
    team: str = Field("", max_length=100)
    collar_number: str = Field("", max_length=20)
    supervisor: str | None = Field(None, description="Username of the supervisor")


class UserPatch(Schema):
    first_name: str | None = Field(None, max_length=150)
    last_name: str | None = Field(None, max_length=150)
    email: str | None = Field(None, max_length=254)
    team: str | None = Field(None, max_length=100)
    collar_number: str | None = Field(None, max_length=20)
    supervisor: str | None = Field(None, description="Username, or null for none")
    roles: list[Role] | None = None


class ReasonIn(Schema):
    reason: str = Field(max_length=500)


def _user_out(user) -> dict:
    account = _account(user)
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": user.is_active,
        "roles": sorted(g.name for g in user.groups.all()),
        "roles_awaiting_approval": sorted(
            RoleGrant.objects.filter(user=user, status=RoleGrantStatus.PENDING).values_list(
                "role", flat=True
            )
        ),
        "team": account.team,
        "collar_number": account.collar_number,
        "supervisor": account.supervisor.username if account.supervisor else None,
        "last_login": user.last_login,
        "date_joined": user.date_joined,
    }


def _supervisor(username: str | None):
    if not username:
        return None
    found = get_user_model().objects.filter(username=username, is_active=True).first()
    if found is None:
        raise ValidationError({"supervisor": f"No active user {username!r}."})
    return found


def _user(user_id: int):
    return get_object_or_404(
        get_user_model().objects.prefetch_related("groups").select_related("account__supervisor"),
        pk=user_id,
    )


class UserPagination(PageNumberPagination):
    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = [_user_out(u) for u in page[self.items_attribute]]
        return page


@router.get("/users", response=list[UserOut], auth=Allow(MANAGE))
@paginate(UserPagination)
def list_users(request, filters: UserFilters = Query(...)):
    users = (
        get_user_model()
        .objects.prefetch_related("groups")
        .select_related("account__supervisor")
        .order_by("username")
    )
    if filters.q:
        users = users.filter(
            Q(username__icontains=filters.q)
            | Q(first_name__icontains=filters.q)
            | Q(last_name__icontains=filters.q)
            | Q(email__icontains=filters.q)
        )
    if filters.role:
        users = users.filter(groups__name=filters.role)
    if filters.active is not None:
        users = users.filter(is_active=filters.active)
    return users


@router.post("/users", response={201: UserOut}, auth=Allow(MANAGE))
def create_user(request, payload: UserIn):
    data = payload.dict()
    data["supervisor"] = _supervisor(data["supervisor"])
    data["roles"] = [str(r) for r in data["roles"]]
    user = services.create_user(check_password=True, by=request.user, **data)
    return Status(201, _user_out(user))


@router.get("/users/{int:user_id}", response=UserOut, auth=Allow(MANAGE, hide=True))
def get_user(request, user_id: int):
    return _user_out(_user(user_id))


@router.patch(
    "/users/{int:user_id}",
    response=UserOut,
    auth=Allow(MANAGE, hide=True),
    description="Change details and, with roles, set exactly the user's roles.",
)
def update_user(request, user_id: int, payload: UserPatch):
    user = _user(user_id)
    data = payload.dict(exclude_unset=True)
    if data.get("roles") is not None:
        data["roles"] = [str(r) for r in data["roles"]]
    if "supervisor" in data:
        data["supervisor"] = _supervisor(data["supervisor"])
    services.update_user(user, by=request.user, **data)
    return _user_out(_user(user_id))


@router.post("/users/{int:user_id}/deactivate", response=UserOut, auth=Allow(MANAGE, hide=True))
def deactivate_user(request, user_id: int, payload: ReasonIn):
    services.deactivate_user(_user(user_id), by=request.user, reason=payload.reason)
    return _user_out(_user(user_id))


@router.post("/users/{int:user_id}/reactivate", response=UserOut, auth=Allow(MANAGE, hide=True))
def reactivate_user(request, user_id: int, payload: ReasonIn):
    services.reactivate_user(_user(user_id), by=request.user, reason=payload.reason)
    return _user_out(_user(user_id))


# --- role requests: a second administrator approves --------------------------------------


class RoleGrantOut(Schema):
    id: int
    user: str = Field(alias="user.username")
    role: str
    status: str
    requested_by: str = Field(alias="requested_by.username")
    requested_at: datetime.datetime
    decided_by: str | None = Field(None, alias="decided_by.username")
    decided_at: datetime.datetime | None
    reason: str


class RoleGrantFilters(Schema):
    status: RoleGrantStatus | None = Field(None, description="pending (default: every status)")


class RefuseIn(Schema):
    reason: str = Field(max_length=2000, description="Why the role is refused")


def _grant(grant_id: int) -> RoleGrant:
    return get_object_or_404(
        RoleGrant.objects.select_related("user", "requested_by", "decided_by"), pk=grant_id
    )


@router.get(
    "/role-requests",
    response=list[RoleGrantOut],
    auth=Allow(MANAGE),
    description="Roles asked for that a second administrator must approve, newest first.",
)
@paginate(PageNumberPagination)
def list_role_requests(request, filters: RoleGrantFilters = Query(...)):
    grants = RoleGrant.objects.select_related("user", "requested_by", "decided_by")
    if filters.status:
        grants = grants.filter(status=filters.status)
    return grants


@router.post(
    "/role-requests/{int:grant_id}/approve",
    response=RoleGrantOut,
    auth=Allow(MANAGE, hide=True),
    description="Give the role: only an administrator other than the one who asked and the user.",
)
def approve_role_request(request, grant_id: int):
    return services.approve_grant(_grant(grant_id), by=request.user)


@router.post(
    "/role-requests/{int:grant_id}/refuse",
    response=RoleGrantOut,
    auth=Allow(MANAGE, hide=True),
)
def refuse_role_request(request, grant_id: int, payload: RefuseIn):
    return services.refuse_grant(_grant(grant_id), by=request.user, reason=payload.reason)
