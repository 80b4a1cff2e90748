from django import forms
from django.contrib.auth import forms as auth_forms

from meetings.govuk import GovukFormMixin


class SignInForm(GovukFormMixin, auth_forms.AuthenticationForm):
    """Django's sign-in form, labelled as people say it and in GOV.UK Frontend's markup."""

    # Not focused on arrival (GOV.UK's advice), so a screen reader starts at the page's top.
    username = auth_forms.UsernameField(
        label="User name", widget=forms.TextInput(attrs={"spellcheck": "false"})
    )


class PasswordResetForm(GovukFormMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class SetPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    new_password1, new_password2 = auth_forms.SetPasswordMixin.create_password_fields(
        label1="New password", label2="Confirm the new password"
    )
    new_password2.help_text = "Type the same password again."


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
