from django import forms
from django.contrib.auth import forms as auth_forms

from meetings.govuk import GovukFormMixin


class SignInForm(GovukFormMixin, auth_forms.AuthenticationForm):
    """Django's sign-in form, labelled as people say it and in GOV.UK Frontend's markup."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "User name"
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.update({"spellcheck": "false"})


class PasswordResetForm(GovukFormMixin, auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail address"
        self.fields["email"].widget.attrs.update({"spellcheck": "false"})


class SetPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    pass


class CodeForm(GovukFormMixin, forms.Form):
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
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())
