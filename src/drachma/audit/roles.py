from drachma.core.roles import ALL_ROLES, Role

GRANTS = {
    "audit.view_audit_log": [Role.AUDITOR],
    # Everyone who reads records says why (DPA 2018 s.62): the purpose of their task.
    "audit.set_purpose": ALL_ROLES,
}
