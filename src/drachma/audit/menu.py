from drachma.core.navigation import MenuItem

ITEMS = [MenuItem("Audit log", "audit:log", "audit.view_audit_log", order=90)]
