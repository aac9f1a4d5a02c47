"""Every write to the group register."""

from django.core.exceptions import ValidationError
from django.db import transaction

from drachma.groups.models import Group, GroupAlias, PlatformAccount

GROUP_FIELDS = {
    "name",
    "status",
    "home_borough",
    "home_area_text",
    "description",
    "mopi_group",
    "review_date",
}


def _set(obj, fields: dict, allowed: set) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({f: "This field cannot be set." for f in sorted(unknown)})
    for name, value in fields.items():
        setattr(obj, name, value)


@transaction.atomic
def save_group(
    group: Group | None = None,
    *,
    user=None,
    aliases: list[str] | None = None,
    accounts: list[dict] | None = None,
    **fields,
) -> Group:
    """Create or update a group with its aliases and platform accounts, all or nothing."""
    group = group or Group()
    _set(group, fields, GROUP_FIELDS)
    group.full_clean(exclude=["review_date"] if not group.review_date else None)
    group.save()
    if aliases is not None:
        names = {a.strip() for a in aliases if a.strip()}
        group.aliases.exclude(name__in=names).delete()
        for name in sorted(names - set(group.aliases.values_list("name", flat=True))):
            alias = GroupAlias(group=group, name=name)
            alias.full_clean()
            alias.save()
    if accounts is not None:
        group.accounts.all().delete()
        for i, data in enumerate(accounts):
            account = PlatformAccount(group=group, **data)
            try:
                account.full_clean()
            except ValidationError as exc:
                raise ValidationError(
                    {f"accounts.{i}.{k}": v for k, v in exc.message_dict.items()}
                ) from None
            account.save()
    return group


def add_account(group: Group, *, platform: str, handle: str, url: str = "") -> PlatformAccount:
    """Add one platform account to a group, keeping its others (``save_group`` replaces them
    all, and with them what other records say about them)."""
    account = PlatformAccount(group=group, platform=platform, handle=handle, url=url)
    account.full_clean()
    account.save()
    return account
