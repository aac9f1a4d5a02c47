from django import forms
from django.core.exceptions import ValidationError

from drachma.core.choices import Platform
from drachma.core.widgets import Autocomplete
from drachma.groups.models import Group, PlatformAccount, spellings


class GroupForm(forms.ModelForm):
    aliases = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One alias per line.",
    )
    accounts = forms.CharField(
        label="Platform accounts",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line: platform, handle, URL (optional), separated by commas. "
        f"Platforms: {', '.join(Platform.values)}.",
    )

    class Meta:
        model = Group
        fields = [
            "name",
            "status",
            "home_borough",
            "home_area_text",
            "description",
            "mopi_group",
            "review_date",
        ]
        widgets = {
            "home_borough": Autocomplete(),
            "review_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review_date"].required = False
        if self.instance.pk:
            self.fields["aliases"].initial = "\n".join(
                self.instance.aliases.values_list("name", flat=True)
            )
            self.fields["accounts"].initial = "\n".join(
                ", ".join(filter(None, [a.platform, a.handle, a.url]))
                for a in self.instance.accounts.all()
            )

    def clean_aliases(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["aliases"].splitlines() if line.strip()]
        too_long = [n for n in names if len(n) > 120]
        if too_long:
            raise ValidationError(f"An alias is longer than 120 characters: {too_long[0][:30]}…")
        return names

    def clean_accounts(self) -> list[dict]:
        accounts = []
        for number, line in enumerate(self.cleaned_data["accounts"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(",")]
            if len(parts) < 2 or parts[0] not in Platform.values:
                raise ValidationError(
                    f"Line {number}: write 'platform, handle[, URL]' with a platform among "
                    f"{', '.join(Platform.values)}."
                )
            account = {
                "platform": parts[0],
                "handle": parts[1],
                "url": parts[2] if len(parts) > 2 else "",
            }
            # Checked here too, so that a bad line is reported beside this field, by its number.
            try:
                PlatformAccount(**account).clean_fields(exclude=["group"])
            except ValidationError as exc:
                raise ValidationError(
                    f"Line {number}: "
                    + " ".join(
                        f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items()
                    )
                ) from None
            # The same account however written (@Name, name, a profile URL).
            taken = PlatformAccount.objects.filter(
                platform=account["platform"],
                normalized=spellings(account["handle"], account["platform"], "")[0],
            )
            if self.instance.pk:
                taken = taken.exclude(group=self.instance)
            if taken.exists():
                raise ValidationError(
                    f"Line {number}: {account['handle']} on {account['platform']} is another "
                    "group's account."
                )
            accounts.append(account)
        return accounts

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("aliases")
        data.pop("accounts")
        return data
