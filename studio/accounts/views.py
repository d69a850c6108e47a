"""Signing up and logging in. Logout and the password pages are Django's own views."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from studio.accounts import policy, ratelimit, verification
from studio.accounts.forms import SignupForm
from studio.lib.redirects import is_safe_url, safe_next


def client_address(request: HttpRequest) -> str:
    """The caller's address; behind NUM_PROXIES proxies, the one the outermost proxy saw."""
    proxies = settings.NUM_PROXIES
    if proxies:
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def login_name(request: HttpRequest) -> str:
    """The name a log-in attempt counts against: as Django reads it (NFKC, so a full-width
    look-alike is the same name) and without case, so no spelling of it escapes the limit."""
    raw = request.POST.get("username", "")
    return AbstractBaseUser.normalize_username(raw).strip().casefold()


def _login_wait(username: str, address: str) -> int:
    limit = settings.LOGIN_RATE_LIMIT
    return max(
        ratelimit.retry_after("login-user", username, limit),
        ratelimit.retry_after("login-ip", address, limit),
    )


def _in_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = (seconds + 59) // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url)

    form = AuthenticationForm(request, data=request.POST if request.method == "POST" else None)
    ctx = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    if request.method == "POST":
        username = login_name(request)
        address = client_address(request)
        wait = _login_wait(username, address)
        if wait:
            # Over the limit: the password is not even checked.
            ctx["form"] = AuthenticationForm(request, initial={"username": username})
            ctx["blocked"] = (
                f"Too many failed log-in attempts. Try again in {_in_words(wait)}, "
                "or reset your password."
            )
            response = render(request, "registration/login.html", ctx, status=429)
            response["Retry-After"] = str(wait)
            return response
        if form.is_valid():
            auth_login(request, form.get_user())
            ratelimit.reset("login-user", username)
            return redirect(next_url)
        _failed(request, username, address)
    return render(request, "registration/login.html", ctx)


def _failed(request: HttpRequest, username: str, address: str) -> None:
    if username and request.POST.get("password"):
        window = settings.LOGIN_RATE_WINDOW
        ratelimit.hit("login-user", username, window)
        ratelimit.hit("login-ip", address, window)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def admin_login(request: HttpRequest) -> HttpResponse:
    """Django's admin login, counted against the same failed-login limit as the studio's."""
    if request.method != "POST":
        return admin.site.login(request)
    username = login_name(request)
    address = client_address(request)
    wait = _login_wait(username, address)
    if wait:
        response = HttpResponse(
            f"Too many failed log-in attempts. Try again in {_in_words(wait)}.",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(wait)
        return response
    response = admin.site.login(request)
    if request.user.is_authenticated and response.status_code == 302:
        ratelimit.reset("login-user", username)
    else:
        _failed(request, username, address)
    return response


def _signup_wait(address: str) -> int:
    return ratelimit.retry_after("signup-ip", address, settings.LOGIN_RATE_LIMIT)


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
def signup(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url)
    invitation = policy.invitation_in(next_url)
    ctx = {"next": request.POST.get("next") or request.GET.get("next", "")}
    if not policy.may_sign_up(invitation):
        ctx["refused"] = policy.refusal()
        return render(request, "registration/signup.html", ctx, status=403)
    # By invitation only, the account must be for the invited address (confirmed later).
    required = invitation if policy.needs_invitation() else None
    if request.method == "POST":
        address = client_address(request)
        wait = _signup_wait(address)
        if wait:
            ctx["form"] = SignupForm(invitation=required)
            ctx["blocked"] = _("Too many attempts. Try again in %(wait)s.") % {
                "wait": _in_words(wait)
            }
            response = render(request, "registration/signup.html", ctx, status=429)
            response["Retry-After"] = str(wait)
            return response
        form = SignupForm(request.POST, invitation=required)
        if form.is_valid():
            user = form.save()  # the post_save signal gives them a personal workspace
            verification.send_link(request, user, next_url)
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            # Said the same whether or not the address is already someone's: its owner is
            # mailed in that case, and this account never counts as having it.
            messages.info(
                request,
                _(
                    "Welcome to Producer Studio! We sent a link to %(email)s: follow it to "
                    "confirm your address."
                )
                % {"email": user.email},
            )
            return redirect(next_url)
        if form.has_error("username", "unique"):
            # Names are public within a team, but guessing them in bulk here is slowed.
            ratelimit.hit("signup-ip", address, settings.LOGIN_RATE_WINDOW)
    else:
        form = SignupForm(
            invitation=required, initial={"email": invitation.email if invitation else ""}
        )
    ctx["form"] = form
    return render(request, "registration/signup.html", ctx)


_reset_view = auth_views.PasswordResetView.as_view()


@csrf_protect
@never_cache
def password_reset(request: HttpRequest) -> HttpResponse:
    """Django's reset page, limited per client address so it cannot flood a mailbox."""
    if request.method == "POST":
        address = client_address(request)
        wait = ratelimit.retry_after("reset-ip", address, settings.LOGIN_RATE_LIMIT)
        if wait:
            response = render(
                request,
                "registration/password_reset_form.html",
                {
                    "form": PasswordResetForm(),
                    "blocked": f"Too many reset requests. Try again in {_in_words(wait)}.",
                },
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        ratelimit.hit("reset-ip", address, settings.LOGIN_RATE_WINDOW)
    return _reset_view(request)


@never_cache
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """Follow the mailed link: the address is confirmed for the account it names."""
    try:
        user, next_url = verification.confirm(token)
    except verification.VerificationError as exc:
        return render(request, "registration/verify_email.html", {"error": exc.message}, status=400)
    messages.success(request, _("Thank you: %(email)s is confirmed.") % {"email": user.email})
    if not is_safe_url(request, next_url):
        next_url = resolve_url(settings.LOGIN_REDIRECT_URL)
    if request.user.is_authenticated:
        return redirect(next_url)
    return redirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}")


@login_required
@never_cache
def verify_resend(request: HttpRequest) -> HttpResponse:
    """Where a person sees whether their address is confirmed and asks for a new link."""
    confirmed = verification.is_confirmed(request.user)
    ctx = {"confirmed": confirmed, "next": request.POST.get("next") or request.GET.get("next", "")}
    if request.method == "POST" and not confirmed:
        key = str(request.user.pk)
        wait = ratelimit.retry_after("verify-user", key, settings.LOGIN_RATE_LIMIT)
        if wait:
            ctx["blocked"] = True
            response = render(request, "registration/verify_email.html", ctx, status=429)
            response["Retry-After"] = str(wait)
            return response
        # Counted per person, so nobody can flood a mailbox with links.
        ratelimit.hit("verify-user", key, settings.LOGIN_RATE_WINDOW)
        next_url = safe_next(request)
        if not verification.address(request.user):
            messages.error(
                request, _("Your account has no email address: ask the studio's staff to add one.")
            )
            return redirect(next_url)
        verification.send_link(request, request.user, next_url)
        messages.info(
            request,
            _("We sent a new link to %(email)s. It works for %(days)s days.")
            % {"email": request.user.email, "days": settings.EMAIL_VERIFICATION_DAYS},
        )
        return redirect(next_url)
    return render(request, "registration/verify_email.html", ctx)
