"""The agencies' writing (opinions, contact notes, reply letters) and the proposers' ratings.

Every page finds its object through ``visible_to``, so another agency's
letter is a 404; every step is one service call.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from portal import clock
from portal.forms import apply_workflow_error
from proposals.errors import EditConflict, WorkflowError
from proposals.models import Proposer
from proposals.selectors import can
from proposals.views.common import attempt, detail, visible_assignment

from . import history, services
from .forms import (
    ContactForm,
    FeedbackForm,
    LetterForm,
    OpinionForm,
    PaperRatingForm,
    RehandleForm,
    ReturnForm,
)
from .models import ReplyLetter


def _visible_letter(request, pk: int) -> ReplyLetter:
    return get_object_or_404(
        ReplyLetter.objects.visible_to(request.user).select_related(
            "assignment__agency", "assignment__proposal__session", "result_category"
        ),
        pk=pk,
    )


def _form_step(request, form, step, success: str, back_to, template: str, context: dict):
    if request.method == "POST" and form.is_valid():
        try:
            result = step(form.cleaned_data)
        except WorkflowError as error:
            apply_workflow_error(form, error)
        else:
            messages.success(request, success)
            return back_to(result)
    return render(request, template, {"form": form, **context})


@login_required
def opinion(request, pk: int):
    assignment = visible_assignment(request, pk)
    if not can(request.user, "responses.submit_opinion", assignment):
        raise PermissionDenied
    return _form_step(
        request,
        OpinionForm(request.POST or None),
        lambda d: services.opinion_submit(assignment=assignment, body=d["body"], by=request.user),
        "会办意见已送主办单位。",
        lambda _: detail(assignment.proposal_id),
        "responses/opinion.html",
        {"assignment": assignment, "proposal": assignment.proposal},
    )


@login_required
def contact(request, pk: int):
    assignment = visible_assignment(request, pk)
    if not can(request.user, "responses.log_contact", assignment):
        raise PermissionDenied
    return _form_step(
        request,
        ContactForm(request.POST or None),
        lambda d: services.contact_log(assignment=assignment, by=request.user, **d),
        "沟通情况已记录。",
        lambda _: detail(assignment.proposal_id),
        "responses/contact.html",
        {"assignment": assignment, "proposal": assignment.proposal},
    )


@login_required
def letter_new(request, pk: int):
    """Start the reply letter of an assignment."""
    assignment = visible_assignment(request, pk)
    if not can(request.user, "responses.draft_reply", assignment):
        raise PermissionDenied
    form = LetterForm(
        request.POST or None,
        body_kind=assignment.proposal.body_kind,
        initial={"disclosure": ReplyLetter.Disclosure.PUBLIC},
    )
    if request.method == "POST" and "generate" in request.POST:
        # 按模板生成: the draft is written in the background; the editor follows it.
        try:
            letter = services.reply_draft(assignment=assignment, generate=True, by=request.user)
        except WorkflowError as error:
            messages.error(request, error.message)
            return detail(assignment.proposal_id)
        messages.success(request, "正在按模板生成答复函草稿。")
        return redirect("responses:edit", pk=letter.pk)
    return _form_step(
        request,
        form,
        lambda d: services.reply_draft(
            assignment=assignment,
            body=_quoted(request, d["body"]),
            result_category=d["result_category"],
            disclosure=d["disclosure"],
            nondisclosure_reason=d["nondisclosure_reason"],
            by=request.user,
        ),
        "答复函草稿已保存。",
        lambda letter: redirect("responses:edit", pk=letter.pk),
        "responses/letter_form.html",
        {
            "assignment": assignment,
            "proposal": assignment.proposal,
            "letter": None,
            "opinions": _opinions_beside(assignment),
        },
    )


def _quoted(request, body: str) -> str:
    """``body`` with the earlier reply's paragraph the clerk chose to quote (引用此段 on a page
    without its script: ``quote`` names the reply and the paragraph) added at its end.

    The paragraph is read from the reply itself, as the clerk may read it, never from what
    the browser sent; the letter's service cleans the body as it cleans every save.
    """
    from proposals.errors import InvalidInput
    from proposals.similarity import quoted_paragraph

    from .richtext import from_plain, looks_like_html

    choice = request.POST.get("quote", "")
    if not choice:
        return body
    ref, _, number = choice.partition(":")
    paragraph = quoted_paragraph(request.user, ref, int(number) if number.isdigit() else -1)
    if paragraph is None:
        raise InvalidInput("所引用的段落不存在或您无权查看,正文未作修改。", field="body")
    body = body or ""
    return (body if looks_like_html(body) else from_plain(body)) + from_plain(paragraph)


def _opinions_beside(assignment):
    """The co-handlers' opinions, shown beside the editor for the clerk to weave in."""
    from .models import CoHandlingOpinion

    if assignment.mode != assignment.Mode.LEAD:
        return []
    return list(
        CoHandlingOpinion.objects.filter(
            assignment__proposal_id=assignment.proposal_id, assignment__mode=assignment.Mode.CO
        )
        .select_related("assignment__agency")
        .order_by("submitted_at")
    )


@login_required
def letter_edit(request, pk: int):
    """Edit a draft or returned letter; a save over someone else's newer one is refused."""
    letter = _visible_letter(request, pk)
    assignment = letter.assignment
    if not can(request.user, "responses.draft_reply", letter):
        raise PermissionDenied
    if not letter.is_changeable:
        messages.error(request, f"答复函{letter.get_status_display()},不能修改。")
        return redirect("responses:detail", pk=letter.pk)
    form = LetterForm(
        request.POST or None,
        body_kind=assignment.proposal.body_kind,
        initial={
            "body": letter.body,
            "result_category": letter.result_category,
            "disclosure": letter.disclosure,
            "nondisclosure_reason": letter.nondisclosure_reason,
            "document_number": letter.document_number,
            "version": letter.version,
        },
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        body = d["body"]
        try:
            body = _quoted(request, body)
            letter = services.reply_update(
                letter=letter,
                expected_version=d["version"],
                body=body,
                result_category=d["result_category"],
                disclosure=d["disclosure"],
                nondisclosure_reason=d["nondisclosure_reason"],
                document_number=d["document_number"],
                by=request.user,
            )
        except EditConflict as error:
            apply_workflow_error(form, error)
            letter.refresh_from_db()
            conflict = letter
            # The clerk's text stays in the editor; saving again after merging is against
            # the version they have now seen.
            form.data = form.data.copy()
            form.data["version"] = letter.version
            form.data["body"] = body  # with the paragraph the clerk quoted, if any
        except WorkflowError as error:
            apply_workflow_error(form, error)
        else:
            quoted = "已把所选段落引用到正文末尾," if request.POST.get("quote") else ""
            messages.success(request, f"{quoted}已保存(第{letter.version}版)。")
            if "submit" in request.POST:
                attempt(
                    request,
                    lambda: services.reply_submit(letter=letter, by=request.user),
                    "已提交负责人审核签发。",
                )
                return detail(assignment.proposal_id)
            return redirect("responses:edit", pk=letter.pk)
    return render(
        request,
        "responses/letter_form.html",
        {
            "form": form,
            "letter": letter,
            "conflict": conflict,
            "assignment": assignment,
            "proposal": assignment.proposal,
            "opinions": _opinions_beside(assignment),
            "generating": letter.generation == ReplyLetter.Generation.QUEUED,
        },
    )


@login_required
def letter_progress(request, pk: int):
    """Where the background draft stands, for the editor's progress bar."""
    letter = _visible_letter(request, pk)
    queued = letter.generation == ReplyLetter.Generation.QUEUED
    message = {
        ReplyLetter.Generation.QUEUED: "正在按模板生成草稿……",
        ReplyLetter.Generation.DONE: "草稿已生成。",
        ReplyLetter.Generation.FAILED: f"草稿生成失败:{letter.generation_error}",
    }.get(letter.generation, "")
    return JsonResponse(
        {"total": 1, "done": 0 if queued else 1, "finished": not queued, "message": message}
    )


@login_required
def letter_history(request, pk: int):
    """Every saved version of a letter, and what changed between two of them."""
    letter = _visible_letter(request, pk)
    if not can(request.user, "responses.view_drafts", letter):
        raise PermissionDenied
    revisions = list(letter.revisions.select_related("saved_by").order_by("-version"))
    by_version = {r.version: r for r in revisions}

    def chosen(name: str, default):
        value = request.GET.get(name, "")
        return by_version.get(int(value)) if value.isdigit() else default

    newer = chosen("to", revisions[0] if revisions else None)
    older = chosen("from", revisions[1] if len(revisions) > 1 else None)
    lines = history.diff(older.body, newer.body) if older and newer else []
    return render(
        request,
        "responses/letter_history.html",
        {
            "letter": letter,
            "proposal": letter.assignment.proposal,
            "revisions": revisions,
            "older": older,
            "newer": newer,
            "lines": lines,
        },
    )


@login_required
def letter_detail(request, pk: int):
    letter = _visible_letter(request, pk)
    return render(
        request,
        "responses/letter.html",
        {
            "letter": letter,
            "show_drafts": can(request.user, "responses.view_drafts", letter),
            "proposal": letter.assignment.proposal,
            "can_approve": letter.status == letter.Status.PENDING_APPROVAL
            and can(request.user, "responses.approve_reply", letter),
            "return_form": ReturnForm(),
        },
    )


@login_required
@require_POST
def letter_submit(request, pk: int):
    letter = _visible_letter(request, pk)
    attempt(
        request,
        lambda: services.reply_submit(letter=letter, by=request.user),
        "已提交负责人审核签发。",
    )
    return detail(letter.assignment.proposal_id)


@login_required
@require_POST
def letter_approve(request, pk: int):
    letter = _visible_letter(request, pk)
    attempt(
        request,
        lambda: services.reply_approve(letter=letter, by=request.user),
        "已签发。",
    )
    return redirect("responses:detail", pk=letter.pk)


@login_required
def letter_return(request, pk: int):
    letter = _visible_letter(request, pk)
    if not can(request.user, "responses.approve_reply", letter):
        raise PermissionDenied
    return _form_step(
        request,
        ReturnForm(request.POST or None),
        lambda d: services.reply_return(letter=letter, comment=d["comment"], by=request.user),
        "已退回经办人修改。",
        lambda _: redirect("responses:detail", pk=letter.pk),
        "responses/return.html",
        {"letter": letter, "proposal": letter.assignment.proposal},
    )


@login_required
@require_POST
def letter_send(request, pk: int):
    letter = _visible_letter(request, pk)
    attempt(
        request,
        lambda: services.reply_send(letter=letter, by=request.user),
        "答复已发送,提出人会收到通知并可评价。",
    )
    return detail(letter.assignment.proposal_id)


@login_required
def rate(request, pk: int):
    """A proposer rates a sent reply for themself."""
    letter = _visible_letter(request, pk)
    if not can(request.user, "responses.rate_reply", letter):
        raise PermissionDenied
    return _form_step(
        request,
        FeedbackForm(request.POST or None),
        lambda d: services.feedback_submit(
            letter=letter, rating=d["rating"], comment=d["comment"], by=request.user
        ),
        "感谢您的评价。",
        lambda _: detail(letter.assignment.proposal_id),
        "responses/rate.html",
        {"letter": letter, "proposal": letter.assignment.proposal},
    )


@login_required
def paper_rating(request, pk: int):
    """Committee staff enter a rating a proposer gave on the paper form (书面征询意见表)."""
    letter = _visible_letter(request, pk)
    if not can(request.user, "responses.record_paper_rating", letter):
        raise PermissionDenied
    proposal = letter.assignment.proposal
    # Every proposer of the item is offered, so that one already rated is refused by the
    # service with what they gave and when, rather than as a choice not on the list.
    signers = Proposer.objects.filter(pk__in=[p.pk for p in proposal.proposers_with_merged()])
    rated = list(letter.feedback.select_related("proposer").order_by("rated_at"))
    form = PaperRatingForm(
        request.POST or None, proposers=signers, initial={"paper_dated_on": clock.today()}
    )
    return _form_step(
        request,
        form,
        lambda d: services.feedback_submit(
            letter=letter,
            proposer=d["proposer"],
            rating=d["rating"],
            comment=d["comment"],
            paper_dated_on=d["paper_dated_on"],
            by=request.user,
        ),
        "书面评价已录入,办理过程中注明由您代为录入。",
        lambda _: detail(proposal.pk),
        "responses/paper_rating.html",
        {
            "letter": letter,
            "proposal": proposal,
            "rated": rated,
            "everyone_rated": len(rated) >= signers.count(),
        },
    )


@login_required
def rehandle(request, pk: int):
    """After a 不满意, the proposer (or staff) asks for the assignment to be handled again."""
    assignment = visible_assignment(request, pk)
    return _form_step(
        request,
        RehandleForm(request.POST or None),
        lambda d: services.assignment_rehandle(
            assignment=assignment, note=d["note"], by=request.user
        ),
        "已转承办单位重新办理。",
        lambda _: detail(assignment.proposal_id),
        "responses/rehandle.html",
        {"assignment": assignment, "proposal": assignment.proposal},
    )


@login_required
def letter_docx(request, pk: int):
    """The letter as a Word document in the official layout, for whoever may see the letter."""
    import io

    from django.http import FileResponse

    from . import documents

    letter = _visible_letter(request, pk)
    return FileResponse(
        io.BytesIO(documents.letter_docx(letter)),
        as_attachment=True,
        filename=documents.docx_filename(letter),
        content_type=documents.DOCX_CONTENT_TYPE,
    )
