from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = _("Letters sent")

    def ready(self):
        from boveileder.extensions import page_section
        from cases import deadlines
        from cases.signals import letter_rendered
        from dispatch import selectors, services

        letter_rendered.connect(services.letter_rendered_receive, dispatch_uid="dispatch-letter-rendered")
        page_section(
            "cases:decision", template="dispatch/decision_section.html", context=selectors.decision_section
        )
        deadlines.KINDS["letter_not_delivered"] = _("Letter not delivered: send it by post")
        if selectors.undelivered_deadlines not in deadlines.SOURCES:
            deadlines.SOURCES.append(selectors.undelivered_deadlines)
