"""The public version of a reply, previewed by its agency and the committee staff,
published by the agency and, if need be, withdrawn by its leader. The reading page for
the public reads ``Publication``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from portal.forms import apply_workflow_error
from proposals.errors import WorkflowError
from proposals.selectors import can
from responses.models import ReplyLetter

from . import services
from .forms import PublishForm, WithdrawForm
from .models import Publication, serial_digits
from .redaction import redact


def _previewable_letter(request, letter_pk: int) -> ReplyLetter:
    letter = get_object_or_404(
        ReplyLetter.objects.visible_to(request.user).select_related(
            "assignment__agency",
            "assignment__proposal__session",
            "assignment__proposal__topic__parent",
        ),
        pk=letter_pk,
    )
    if not can(request.user, "disclosure.preview_reply", letter):
        raise PermissionDenied
    return letter


def _page(
    request, letter: ReplyLetter, form: PublishForm, withdraw_form: WithdrawForm | None = None
):
    # Staff see a withdrawn publication too: it stays the record of what was public.
    published = (
        Publication.objects.filter(letter=letter)
        .select_related("topic__parent", "withdrawal__withdrawn_by")
        .first()
    )
    context = {"letter": letter, "proposal": letter.assignment.proposal, "form": form}
    if published:
        withdrawal = getattr(published, "withdrawal", None)
        context.update(
            publication=published,
            published=True,
            withdrawal=withdrawal,
            withdraw_form=withdraw_form or WithdrawForm(),
            can_withdraw=withdrawal is None
            and can(request.user, "disclosure.withdraw_publication", published),
        )
    else:
        agency = letter.assignment.agency
        refusal = services.publication_refusal(letter)
        preview = services.publication_preview(letter)
        context.update(
            publication=preview,
            published=False,
            removals=redact(letter).removals,
            refusal=refusal,
            can_publish=refusal is None and can(request.user, "disclosure.publish_reply", letter),
            index_pattern=f"{agency.org_code}/{preview.year}-{'N' * serial_digits()}",
        )
    return render(request, "disclosure/preview.html", context)


@login_required
def preview(request, letter_pk: int):
    """The public version of a letter and its disclosure metadata, as they will be published
    (or, once published, as they were)."""
    letter = _previewable_letter(request, letter_pk)
    return _page(request, letter, PublishForm())


@login_required
@require_POST
def publish(request, letter_pk: int):
    letter = _previewable_letter(request, letter_pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            publication = services.reply_publish(
                letter=letter, by=request.user, published_on=form.cleaned_data["published_on"]
            )
        except WorkflowError as error:
            apply_workflow_error(form, error)
        else:
            messages.success(request, f"答复已公开,索引号{publication.index_number}。")
            return redirect("disclosure:preview", letter_pk=letter.pk)
    return _page(request, letter, form)


def _withdrawn(request, publication: Publication, form: WithdrawForm) -> bool:
    """Withdraw ``publication`` with the reason the form gives; True when it is done, else
    the service's refusal is on the form. Both withdrawal pages post through here."""
    if not form.is_valid():
        return False
    try:
        services.publication_withdraw(
            publication=publication, by=request.user, reason=form.cleaned_data["reason"]
        )
    except WorkflowError as error:
        apply_workflow_error(form, error)
        return False
    said = "答复已撤回公开,公众不能再查看"
    if publication.index_number:
        said += f";索引号{publication.index_number}不再使用"
    messages.success(request, f"{said}。")
    return True


@login_required
@require_POST
def withdraw(request, letter_pk: int):
    letter = _previewable_letter(request, letter_pk)
    publication = get_object_or_404(Publication, letter=letter)
    form = WithdrawForm(request.POST)
    if _withdrawn(request, publication, form):
        return redirect("disclosure:preview", letter_pk=letter.pk)
    return _page(request, letter, PublishForm(), withdraw_form=form)


def _previewable(user, publication: Publication) -> ReplyLetter | None:
    """The publication's letter when ``user`` may open its preview page (an imported
    reply has none, and the system administrator need not be among its readers)."""
    letter = publication.letter
    return letter if letter and can(user, "disclosure.preview_reply", letter) else None


def _after_withdrawal(request, publication: Publication):
    """Where the withdrawer sees the withdrawn reply: its letter's preview page, for an
    agency's leader; the admin's record of it, for the system administrator; else the
    user's workspace."""
    letter = _previewable(request.user, publication)
    if letter is not None:
        return redirect("disclosure:preview", letter_pk=letter.pk)
    if request.user.is_staff and request.user.has_perm("disclosure.view_publication"):
        return redirect("admin:disclosure_publication_change", publication.pk)
    return redirect("workspace")


@login_required
def withdraw_publication(request, pk: int):
    """Withdraw any publication, imported or published here, from a page of its own: an
    imported reply has no letter, hence no preview page to withdraw it from."""
    publication = get_object_or_404(
        Publication.objects.select_related(
            "agency", "letter__assignment__proposal", "withdrawal__withdrawn_by"
        ),
        pk=pk,
    )
    if not can(request.user, "disclosure.withdraw_publication", publication):
        raise PermissionDenied
    withdrawal = getattr(publication, "withdrawal", None)
    form = WithdrawForm(request.POST if request.method == "POST" and withdrawal is None else None)
    if form.is_bound and _withdrawn(request, publication, form):
        return _after_withdrawal(request, publication)
    return render(
        request,
        "disclosure/withdraw.html",
        {
            "publication": publication,
            "withdrawal": withdrawal,
            "form": form,
            "letter": _previewable(request.user, publication),
        },
    )
