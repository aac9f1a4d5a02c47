from drachma.core.navigation import MenuItem

ITEMS = [
    MenuItem("Cases", "cases:list", "cases.view_case", order=36),
    MenuItem("Case figures", "cases:figures", "cases.view_case_figures", order=62),
]
