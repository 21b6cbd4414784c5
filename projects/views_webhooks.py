"""The project's team-chat page: set the webhook, send a test message (pilots and
coordinators: the "steer" right)."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from contribbudget.permissions import get_project_for

from . import webhook_delivery, webhooks
from .webhook_models import ProjectWebhook


class WebhookForm(forms.Form):
    url = forms.URLField(label=gettext_lazy("Adresse du webhook entrant"), required=False,
                         max_length=500, assume_scheme="https",
                         help_text=gettext_lazy("Laissez vide pour ne plus rien envoyer. "
                                                "Adresse https, jamais d'adresse privée."),
                         widget=forms.URLInput(attrs={"placeholder": "https://chat.exemple.org/hooks/…"}))
    flavour = forms.ChoiceField(label=gettext_lazy("Messagerie"),
                                choices=ProjectWebhook.Flavour.choices)
    enabled = forms.BooleanField(label=gettext_lazy("Envoyer les messages"), required=False,
                                 initial=True)


@login_required
def project_webhook(request, slug: str):
    project = get_project_for(request.user, slug, action="steer")
    webhook = ProjectWebhook.objects.filter(project=project).first()
    initial = ({"url": webhook.url, "flavour": webhook.flavour, "enabled": webhook.enabled}
               if webhook else {"enabled": True})
    status = 200
    if request.method == "POST":
        form = WebhookForm(request.POST, initial=initial)
        if form.is_valid():
            try:
                webhook = webhooks.webhook_save(actor=request.user, project=project,
                                                **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("Messagerie de l'équipe enregistrée.") if webhook
                                 else _("Messagerie de l'équipe retirée."))
                return redirect("projects:webhook", slug=project.slug)
        status = 422
    else:
        form = WebhookForm(initial=initial)
    return render(request, "projects/webhook.html",
                  {"project": project, "webhook": webhook, "form": form}, status=status)


@login_required
@require_POST
def project_webhook_test(request, slug: str):
    project = get_project_for(request.user, slug, action="steer")
    try:
        webhook_delivery.webhook_send_test(actor=request.user, project=project)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Message d'essai en route : regardez le canal de l'équipe. Le "
                                    "résultat de l'envoi s'affiche ci-dessous."))
    return redirect("projects:webhook", slug=project.slug)
