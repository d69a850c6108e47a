"""Signing up and logging in. Logout and the password pages are Django's own views."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from studio import ratelimit
from studio.account_forms import SignupForm
from studio.models import Invitation


def client_address(request: HttpRequest) -> str:
    """The caller's address; behind NUM_PROXIES proxies, the one the outermost proxy saw."""
    proxies = settings.NUM_PROXIES
    if proxies:
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def is_safe_url(request: HttpRequest, url: str) -> bool:
    """A path on this site, fit to redirect to. Only paths: redirect() takes a bare word
    for a view's name."""
    return url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if is_safe_url(request, target) else resolve_url(settings.LOGIN_REDIRECT_URL)


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
        username = request.POST.get("username", "").strip().lower()
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
    username = request.POST.get("username", "").strip().lower()
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


def _invited_email(next_url: str) -> str:
    """The address an invitation went to, when signing up on the way to accept it."""
    try:
        match = resolve(urlsplit(next_url).path)
    except Resolver404:
        return ""
    if match.url_name != "invitation_accept":
        return ""
    invitation = Invitation.find(match.kwargs.get("token", ""))
    return invitation.email if invitation else ""


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
def signup(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url)
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            user = form.save()  # the post_save signal gives them a personal workspace
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if next_url == resolve_url(settings.LOGIN_REDIRECT_URL):
                messages.success(request, "Welcome to Producer Studio! This is your own workspace.")
            return redirect(next_url)
    else:
        form = SignupForm(initial={"email": _invited_email(next_url)})
    ctx = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
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
