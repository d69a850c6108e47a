"""Accounts and team workspaces in a real browser: log in, settings, inviting and joining,
switching workspaces. Screenshots in test-results/screenshots/."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from studio.models import Membership, Role, Workspace

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-and-fine-passphrase"
KEY = "tt-live-Zq8vN3kP0wX7rT2m"


def watch_console(page) -> list[str]:
    """Console errors (a CSP violation shows up here) collected while the test runs."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_log_in_and_manage_a_workspace(studio, page, shot, settings):
    settings.LOGIN_RATE_LIMIT = 5
    errors = watch_console(page)
    owner = User.objects.create_user("alice", "alice@example.com", PASSWORD)
    workspace = Workspace.objects.get(memberships__user=owner)
    bob = User.objects.create_user("bob", "bob@example.com", PASSWORD)
    Membership.objects.create(workspace=workspace, user=bob, role=Role.EDITOR)

    page.goto(studio.url + "/accounts/signup/")
    shot(page, "signup")

    # A wrong password, then the right one.
    page.goto(studio.url + "/accounts/login/?next=/workspace/settings/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "not-my-password")
    page.click("form button[type=submit]")
    expect(page.locator(".form-alert")).to_contain_text("correct username and password")
    shot(page, "login-error")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(studio.url + "/workspace/settings/")

    # Rename, set a key (shown masked, never in the page), set a budget.
    page.fill("input[name=name]", "Northern Lights")
    page.click("button[name=rename]")
    expect(page.locator("h1")).to_have_text("Northern Lights")
    expect(page.locator(".key-source")).to_contain_text("built-in emulator")
    page.fill("#id_api_key", KEY)
    page.click("button[name=set_key]")
    expect(page.locator(".key-source")).to_contain_text("this workspace's key")
    expect(page.locator(".key-source code")).to_have_text("••••rT2m")
    assert page.input_value("#id_api_key") == ""
    page.fill("#id_monthly_budget", "1500")
    page.click("button[name=set_budget]")
    expect(page.locator("text=At most 1,500 credits per calendar month.")).to_be_visible()
    assert KEY not in page.content()
    shot(page, "workspace-settings")

    # Invite someone: the link is shown once.
    page.goto(studio.url + "/workspace/members/")
    page.fill("#id_email", "dora@example.com")
    page.select_option("#id_role", "viewer")
    page.click("text=Send invitation")
    link = page.input_value(".copy-field")
    assert re.fullmatch(re.escape(studio.url) + r"/invitations/[\w-]+/", link)
    expect(page.locator("table").last).to_contain_text("dora@example.com")
    shot(page, "workspace-members")

    # Make bob a viewer with the role menu.
    bob_row = page.locator("tr", has_text="bob@example.com")
    bob_row.locator("select").select_option("viewer")
    bob_row.locator("text=Change").click()
    expect(page.locator(".messages")).to_contain_text("bob is now Viewer")
    assert Membership.objects.get(workspace=workspace, user=bob).role == Role.VIEWER
    assert errors == []


def test_join_by_invitation_then_switch_workspaces(studio, page, browser, shot, mailoutbox):
    errors = watch_console(page)
    owner = User.objects.create_user("alice", "alice@example.com", PASSWORD)
    workspace = Workspace.objects.get(memberships__user=owner)
    workspace.name = "Northern Lights"
    workspace.save()

    # The owner invites dora from their own browser context.
    owner_context = browser.new_context()
    owner_page = owner_context.new_page()
    owner_page.goto(studio.url + "/accounts/login/")
    owner_page.fill("#id_username", "alice")
    owner_page.fill("#id_password", PASSWORD)
    owner_page.click("form button[type=submit]")
    # The login answers with a redirect home: wait for it, or the next page may load first.
    expect(owner_page).to_have_url(studio.url + "/")
    owner_page.goto(studio.url + "/workspace/members/")
    owner_page.fill("#id_email", "dora@example.com")
    owner_page.click("text=Send invitation")
    link = owner_page.input_value(".copy-field")
    owner_context.close()

    # Dora follows the link, signs up (the address is filled in) and joins.
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Join Northern Lights")
    page.click("main a[href^='/accounts/signup/?next=']")
    assert page.input_value("#id_email") == "dora@example.com"
    page.fill("#id_username", "dora")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(link)
    # She joins once she has confirmed the address, from the link mailed to it.
    expect(page.locator("h1")).to_have_text("Confirm your address to join")
    confirm = re.search(r"https?://[^/\s]+(/accounts/verify/\S+/)", mailoutbox[-1].body)
    page.goto(studio.url + confirm.group(1))
    expect(page).to_have_url(link)
    shot(page, "invitation-accept")
    page.click("button:has-text('Join Northern Lights')")
    expect(page.locator(".messages")).to_contain_text("you joined as Editor")
    dora = User.objects.get(username="dora")
    assert Membership.objects.get(workspace=workspace, user=dora).role == Role.EDITOR

    # Switch back to her own workspace with the menu; the choice is remembered.
    page.goto(studio.url + "/workspaces/")
    page.click("summary[data-menu=workspace]")
    page.click('details.dropdown button:has-text("dora\'s studio")')
    expect(page.locator("summary[data-menu=workspace]")).to_have_text("dora's studio")
    expect(page).to_have_url(studio.url + "/workspaces/")
    dora.profile.refresh_from_db()
    assert dora.profile.current_workspace.name == "dora's studio"
    shot(page, "workspace-list")
    assert errors == []
