"""The login of coordinators, police officers and municipality staff (members have no account): the
password page, then, where it applies (access.two_factor), the code of an authenticator app, or setting one
up at the first login."""

from base64 import b32encode

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views import View

from .two_factor import confirmed_device, device_setup, device_verify, qr_code_svg, two_factor_pending

__all__ = ["LoginView", "TwoFactorSetupView", "TwoFactorVerifyView"]


class LoginView(auth_views.LoginView):
    template_name = "access/login.html"
    redirect_authenticated_user = True


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )


def _next(request) -> str:
    """Where to go once the code is given: the page asked for, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = {request.get_host()}
    if url_has_allowed_host_and_scheme(target, allowed_hosts=allowed, require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


class TwoFactorView(LoginRequiredMixin, View):
    """The code after the password; `template_name` and `device()` say which step."""

    template_name = ""

    def device(self, request):
        raise NotImplementedError

    def context(self, request, device) -> dict:
        return {}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.open_to(request.user):
            return redirect(_next(request))
        return super().dispatch(request, *args, **kwargs)

    def open_to(self, user) -> bool:
        """Whether the step is for `user` now (else they go on to where they were going)."""
        return two_factor_pending(user)

    def get(self, request):
        device = self.device(request)
        if device is None:
            return redirect(self.other_step(request))
        return self.respond(request, CodeForm(), device)

    def post(self, request):
        device = self.device(request)
        if device is None:
            return redirect(self.other_step(request))
        form = CodeForm(request.POST)
        if form.is_valid():
            refusal = device_verify(request, device, form.cleaned_data["code"])
            if refusal is None:
                return redirect(_next(request))
            form.add_error("code", refusal)
        return self.respond(request, form, device, status=400)

    def other_step(self, request) -> str:
        raise NotImplementedError

    def respond(self, request, form, device, status=200):
        context = {"form": form, "next": _next(request), **self.context(request, device)}
        return render(request, self.template_name, context, status=status)


class TwoFactorVerifyView(TwoFactorView):
    """The code of the authenticator the user set up."""

    template_name = "access/two_factor_verify.html"

    def device(self, request):
        return confirmed_device(request.user)

    def other_step(self, request) -> str:
        return _with_next("access:two-factor-setup", request)


class TwoFactorSetupView(TwoFactorView):
    """First login of an account that needs a second factor: scan the QR code (or type the key), then
    give a code to prove the app has it."""

    template_name = "access/two_factor_setup.html"

    def open_to(self, user) -> bool:
        # Also for whom the second factor is not required (coordinators): once set up, it is asked too.
        return settings.BIN_2FA_REQUIRED and (two_factor_pending(user) or confirmed_device(user) is None)

    def device(self, request):
        return None if confirmed_device(request.user) else device_setup(request.user)

    def other_step(self, request) -> str:
        return _with_next("access:two-factor", request)

    def context(self, request, device) -> dict:
        key = b32encode(device.bin_key).decode()
        return {"qr_svg": qr_code_svg(device), "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4))}


def _with_next(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"
