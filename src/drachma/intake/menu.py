from drachma.core.navigation import MenuItem

ITEMS = [
    MenuItem("Reports", "intake:queue", "intake.view_report", order=12),
    MenuItem("Referrals", "intake:referral_list", "intake.view_referral", order=13),
    MenuItem("Quarantine", "intake:quarantine", "intake.view_quarantine", order=14),
]
