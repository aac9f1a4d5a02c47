from drachma.core.roles import Role

GRANTS = {
    "retention.review_records": [Role.SUPERVISOR],
    "retention.view_retentiondecision": [Role.SUPERVISOR, Role.AUDITOR],
}
