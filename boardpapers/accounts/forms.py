from django import forms


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="6-digit code",
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        help_text="From your authenticator app (such as Microsoft Authenticator or Google "
        "Authenticator).",
        error_messages={
            "required": "Enter the 6-digit code your authenticator app shows.",
            "invalid": "Enter the 6 digits your authenticator app shows, such as 123456.",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())
