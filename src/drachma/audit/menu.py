from drachma.core.navigation import MenuItem, register

register(MenuItem("Audit log", "audit:log", "audit.view_audit_log", order=90))
