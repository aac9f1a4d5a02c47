from drachma.core.navigation import MenuItem

ITEMS = [MenuItem("Users", "accounts:user_list", "accounts.manage_users", order=95)]
