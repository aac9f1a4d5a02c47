"""Who handles data protection rights requests. A force's information management unit answers
them; in Drachma's roles that work falls to supervisors, who already see every operational
record the search reaches. (A dedicated information-management role would add a column to
docs/roles.md; see docs/rights.md.) The auditor reads what was done in the audit log, where
every consultation and disclosure for a request carries its purpose."""

from drachma.core.roles import Role

GRANTS = {
    "rights.view_rightsrequest": [Role.SUPERVISOR],
    "rights.add_rightsrequest": [Role.SUPERVISOR],
    "rights.handle_rightsrequest": [Role.SUPERVISOR],
}
