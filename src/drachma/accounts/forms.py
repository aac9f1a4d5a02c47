from django import forms


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What will use this token, e.g. 'analysis notebook'.")


class TOTPForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app", max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
