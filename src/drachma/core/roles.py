from drachma.accounts.roles import ALL_ROLES

GRANTS = {
    "core.view_notification": ALL_ROLES,
}
