"""What the accounts app grants the roles, and the roles' synchronisation.

The roles are ``drachma.core.roles.Role``. Each app says in its own ``roles.py`` which
permissions each role holds (``GRANTS``: permission -> roles); ``sync_roles`` makes the
groups match exactly, after every migrate. Anything not granted is denied.
"""

from drachma.core.registry import app_hooks
from drachma.core.roles import ALL_ROLES, Role

GRANTS = {
    "accounts.view_own_account": ALL_ROLES,
    "accounts.manage_users": [Role.ADMINISTRATOR],
}


def collected_grants() -> dict[str, set[str]]:
    """Every app's GRANTS merged: permission codename -> role names."""
    merged: dict[str, set[str]] = {}
    for grants in app_hooks("roles", "GRANTS"):
        for perm, roles in grants.items():
            merged.setdefault(perm, set()).update(str(r) for r in roles)
    return merged


def role_permissions() -> dict[str, set[str]]:
    """Role name -> the permissions it holds ("app_label.codename")."""
    by_role: dict[str, set[str]] = {str(r): set() for r in Role}
    for perm, roles in collected_grants().items():
        for role in roles:
            by_role[role].add(perm)
    return by_role


def sync_roles(**_kwargs) -> None:
    """Create the role groups and give each exactly the permissions its grants list."""
    from django.contrib.auth.models import Group, Permission

    wanted = role_permissions()
    all_perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    missing = sorted({p for perms in wanted.values() for p in perms} - set(all_perms))
    if missing:
        raise LookupError(f"roles grant permissions that do not exist: {', '.join(missing)}")
    for role, perms in wanted.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([all_perms[p] for p in perms])
