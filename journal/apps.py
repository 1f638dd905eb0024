from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    name = "journal"
    verbose_name = _("Journal")

    def ready(self):
        from cases.signals import appeal_registered, letter_dispatched
        from journal import receivers

        letter_dispatched.connect(receivers.on_letter_dispatched, dispatch_uid="journal.letter_dispatched")
        appeal_registered.connect(receivers.on_appeal_registered, dispatch_uid="journal.appeal_registered")

        from boveileder.extensions import menu_entry, page_section
        from boveileder.models import Role

        def manager(user):
            return user.has_role(Role.MANAGER)

        menu_entry(_("Journal"), "journal:journal", visible=manager, group="admin", order=40)

        from journal.sections import decision_section

        page_section("cases:decision", template="journal/decision_section.html", context=decision_section)
