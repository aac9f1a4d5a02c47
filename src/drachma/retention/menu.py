from drachma.core.navigation import MenuItem

ITEMS = [MenuItem("Reviews", "retention:due", "retention.review_records", order=80)]
