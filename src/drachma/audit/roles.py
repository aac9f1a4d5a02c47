from drachma.core.roles import Role

GRANTS = {
    "audit.view_audit_log": [Role.AUDITOR],
}
