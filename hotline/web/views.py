"""The staff home page, sign-in, one's own password and the health check."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hotline.accounts.roles import Role
from hotline.accounts.services import account_set_password
from hotline.calendar.services import calendar_warning
from hotline.callbacks.services import callback_counts
from hotline.core.errors import DomainError
from hotline.orders.models import Status
from hotline.orders.selectors import OrderFilter, order_list, status_counts
from hotline.orders.worklists import UNTRACKED, worklist_orders, worklists_for
from hotline.web.http import AuthenticatedRequest


@login_required
def home_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    context: dict = {"admin_only": user.is_admin_only}
    if not user.is_admin_only:
        counts = status_counts(user=user)
        split = callback_counts(user=user)
        context.update(
            counts=[
                (
                    value,
                    label,
                    counts[value],
                    _callback_note(split) if value == Status.CALLBACK else "",
                )
                for value, label in Status.choices
                if counts.get(value)
            ],
            overdue=order_list(user=user, filters=OrderFilter(overdue=True)).count(),
            due_soon=order_list(user=user, filters=OrderFilter(due_soon=True)).count(),
            recent=order_list(user=user, filters=OrderFilter(open_only=True))[:15],
        )
        if UNTRACKED in worklists_for(user):
            context["untracked"] = worklist_orders(user=user, worklist=UNTRACKED).count()
    if user.has_role(Role.SYSADMIN, Role.REVIEWER, Role.SUPERVISOR) or user.is_superuser:
        context["calendar_warning"] = calendar_warning()
    return render(request, "web/home.html", context)


@login_required
def password_change_view(request: AuthenticatedRequest) -> HttpResponse:
    """One's own password, through the password rules; required first when an administrator
    set it. Other sessions of the account end (Django's session hash follows the password)."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = account_set_password(
                actor=request.user,
                user=request.user,
                password=form.cleaned_data["new_password1"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改。"))
            return redirect("home")
    return render(
        request,
        "registration/password_change.html",
        {"form": form, "required": request.user.password_change_required},
        status=400 if form.is_bound and form.errors else 200,
    )


def _callback_note(split: tuple[int, int] | None) -> str:
    """What the 待回访 tile counts: every order waiting for its callback, of which the callback
    queue holds those that must be called; the others wait for the caller's web rating."""
    if split is None:
        return ""
    to_call, on_the_web = split
    return _("其中需电话回访 %(call)d，待市民网上评价 %(web)d") % {
        "call": to_call,
        "web": on_the_web,
    }


@never_cache
@require_GET
def healthz_view(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for load balancers: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure makes the instance unready
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
