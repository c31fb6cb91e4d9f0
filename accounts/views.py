from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.forms import apply_workflow_error
from proposals.errors import WorkflowError

from . import tokens as services
from .forms import ApiTokenForm
from .models import ApiToken


@login_required
@never_cache
def tokens(request):
    """The user's personal API tokens, and the form to create one."""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.token_create(user=request.user, **form.cleaned_data)
        except WorkflowError as error:
            apply_workflow_error(form, error)
        else:
            # The answer to this POST is the only place the token ever appears: it goes in no
            # URL, session or message, and the page is not cached.
            return render(request, "accounts/token_created.html", {"token": token, "raw": raw})
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": ApiToken.objects.filter(user=request.user),
            "max_active": services.MAX_ACTIVE_TOKENS,
        },
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    """Revoke one of the user's own tokens; another's is not found."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        services.token_revoke(token=token, by=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"令牌“{token.name}”已撤销,使用它的程序不能再访问接口。")
    return redirect("accounts:tokens")
