from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = _("Letters sent")

    def ready(self):
        from boveileder.extensions import hook, page_section
        from cases import deadlines
        from cases.extensions import DEADLINES
        from cases.signals import letter_rendered
        from dispatch import selectors, services
        from dispatch import timeline as dispatch_timeline

        dispatch_timeline.register()

        letter_rendered.connect(services.letter_rendered_receive, dispatch_uid="dispatch-letter-rendered")
        page_section(
            "cases:decision", template="dispatch/decision_section.html", context=selectors.decision_section
        )
        deadlines.KINDS["letter_not_delivered"] = _("Letter not delivered: send it by post")
        hook(DEADLINES, selectors.undelivered_deadlines)
