from drachma.core.roles import ALL_ROLES, Role

# Areas are reference data: everyone may read them; the force's districts are kept by
# supervisors and administrators.
GRANTS = {
    "areas.view_borough": ALL_ROLES,
    "areas.view_ward": ALL_ROLES,
    "areas.view_district": ALL_ROLES,
    "areas.add_district": [Role.SUPERVISOR, Role.ADMINISTRATOR],
    "areas.change_district": [Role.SUPERVISOR, Role.ADMINISTRATOR],
}
