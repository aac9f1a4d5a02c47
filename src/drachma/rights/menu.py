from drachma.core.navigation import MenuItem

ITEMS = [
    MenuItem("Rights requests", "rights:list", "rights.view_rightsrequest", order=75),
]
