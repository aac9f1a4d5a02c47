from django import forms
from django.contrib.auth import get_user_model

from drachma.core.forms import field_of


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What will use this token, e.g. 'analysis notebook'."
    )


class TOTPForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _active_users():
    return get_user_model().objects.filter(is_active=True).order_by("username")


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class UserDetailsForm(forms.Form):
    """What an administrator sets on any user: names, contact, team, supervisor, roles."""

    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(max_length=254, required=False)
    team = forms.CharField(max_length=100, required=False)
    collar_number = forms.CharField(max_length=20, required=False)
    supervisor = _UserChoice(queryset=get_user_model().objects.none(), required=False)
    roles = forms.MultipleChoiceField(
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What the user may see and do; see the roles page.",
    )

    def __init__(self, *args, **kwargs):
        from drachma.core.roles import Role

        super().__init__(*args, **kwargs)
        field_of(self, "supervisor", forms.ModelChoiceField).queryset = _active_users()
        field_of(self, "roles", forms.MultipleChoiceField).choices = Role.choices


class UserCreateForm(UserDetailsForm):
    username = forms.CharField(max_length=150)
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        max_length=128,
        help_text="At least 12 characters, not a common password. The user "
        "should change it and enrol a second factor.",
    )
    field_order = ["username", "password"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the audit log.",
        error_messages={
            "required": "Give a reason.",
            "max_length": "Give a reason in at most 500 characters.",
        },
    )
