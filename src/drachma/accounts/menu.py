from drachma.core.navigation import MenuItem, register

register(MenuItem("Users", "accounts:user_list", "accounts.manage_users", order=95))
