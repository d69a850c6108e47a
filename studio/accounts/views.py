"""Confirming an email address: the link mailed to it, and sending that link again."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from studio import ratelimit
from studio.accounts import verification
from studio.views.accounts import is_safe_url, safe_next


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
