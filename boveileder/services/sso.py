"""Who may come in through a municipality's identity provider, and with which roles.

The provider says who a person is (`oid`/`sub`) and, where the municipality maps them, which roles
they hold; this module decides whether that person is one of the municipality's staff."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from boveileder.models import Role, SingleSignOn, SingleSignOnLink, User

logger = logging.getLogger(__name__)

ROLE_FIELDS = {Role.COUNSELLOR: "is_counsellor", Role.OFFICER: "is_officer", Role.MANAGER: "is_manager"}

NOT_STAFF = _("Your account is not one of this municipality's staff here. Ask a manager to create you.")
DEACTIVATED = _("Your account here is deactivated. Ask a manager if you should have access.")
OTHER_TENANT = _("You signed in with an account of another organisation than the municipality's.")
COLLISION = _(
    "Your e-mail address belongs to staff of another municipality here. Ask a manager to sort it out."
)
NO_SUBJECT = _("The sign-in service did not say who you are. Ask the municipality's IT department.")


class SignInRefused(PermissionDenied):
    """A verified sign-in of someone who may not come in; `message` says why, in the user's language."""

    def __init__(self, message, reason: str):
        super().__init__(str(reason))
        self.message = message
        self.reason = reason


def _refuse(message, reason: str, provider: SingleSignOn):
    logger.warning("single sign-on refused for municipality %s: %s", provider.municipality_id, reason)
    raise SignInRefused(message, reason)


def _roles_from(provider: SingleSignOn, claims: dict) -> set[str]:
    held = claims.get(provider.roles_claim) or []
    held = {held} if isinstance(held, str) else set(held)
    return {role for role, values in provider.role_values.items() if values & held}


def _new_username(provider: SingleSignOn, email: str, subject: str) -> str:
    base = slugify(email.split("@", 1)[0]) or f"sso-{subject[:8]}"
    slug = provider.municipality.slug
    name, n = f"{base}@{slug}", 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}{n}@{slug}"
    return name


def _checked_claims(provider: SingleSignOn, claims: dict) -> tuple[str, str]:
    """The token's subject and e-mail, once it is of the municipality's tenant and names someone whose
    e-mail is not another municipality's staff's."""
    if provider.tenant_id and claims.get("tid") != provider.tenant_id:
        _refuse(OTHER_TENANT, "tid differs from the municipality's tenant", provider)
    subject = str(claims.get(provider.subject_claim) or "")
    if not subject:
        _refuse(NO_SUBJECT, f"no {provider.subject_claim} claim", provider)
    email = str(claims.get("email") or claims.get("preferred_username") or "").strip()
    others = User.objects.filter(email__iexact=email).exclude(municipality=provider.municipality)
    if "@" in email and others.exists():
        _refuse(COLLISION, "e-mail of another municipality's account", provider)
    return subject, email


def _link_and_candidates(provider: SingleSignOn, subject: str, email: str):
    """The staff member linked to `subject`, else the unlinked staff with `email` (locked)."""
    municipality = provider.municipality
    links = SingleSignOnLink.objects.select_related("user").filter(municipality=municipality, subject=subject)
    link = links.first()
    if link or "@" not in email:
        return link, []
    # Lock the staff member to link, then look again: the same person's sign-in in another tab
    # may have linked them while this one waited on the lock.
    candidates = list(
        User.objects.select_for_update(of=("self",))
        .staff_of(municipality.pk)
        .filter(email__iexact=email, sso_link__isnull=True)[:2]
    )
    return links.first(), candidates


def _created(provider: SingleSignOn, claims: dict, subject: str, email: str) -> User:
    municipality = provider.municipality
    user = User(
        username=_new_username(provider, email, subject),
        email=email,
        first_name=str(claims.get("given_name") or "")[:150],
        last_name=str(claims.get("family_name") or "")[:150],
        municipality=municipality,
    )
    user.set_unusable_password()
    user.save()
    logger.info("single sign-on created staff %s of municipality %s, with no roles", user.pk, municipality.pk)
    return user


def _linked_user(provider: SingleSignOn, claims: dict, subject: str, email: str) -> User:
    """The staff member `subject` is linked to, linking them at the first sign-in (by e-mail, or
    created with no roles where the municipality creates unknown staff)."""
    link, candidates = _link_and_candidates(provider, subject, email)
    if link:
        return link.user
    if len(candidates) == 1:
        user = candidates[0]
    elif not candidates and provider.create_unknown_staff:
        user = _created(provider, claims, subject, email)
    else:
        _refuse(NOT_STAFF, f"{len(candidates)} unlinked staff with that e-mail", provider)
    if user.is_active:
        SingleSignOnLink.objects.create(user=user, municipality=provider.municipality, subject=subject)
        logger.info("single sign-on linked staff %s of municipality %s", user.pk, provider.municipality_id)
    return user


def _roles_synced(provider: SingleSignOn, user: User, claims: dict) -> None:
    """Set the roles the provider says, where the municipality maps them; log each change."""
    before, after = user.roles, _roles_from(provider, claims)
    if before == after:
        return
    for role, field in ROLE_FIELDS.items():
        setattr(user, field, role in after)
    user.save(update_fields=list(ROLE_FIELDS.values()))
    logger.info(
        "single sign-on changed the roles of staff %s from %s to %s",
        user.pk,
        ",".join(sorted(before)) or "none",
        ",".join(sorted(after)) or "none",
    )


@transaction.atomic
def sso_staff_resolve(*, provider: SingleSignOn, claims: dict) -> User:
    """The staff member a verified ID token names, linked at the first sign-in; roles updated from
    the provider where the municipality maps them (each change logged). Raises `SignInRefused` for a
    person of another tenant, an e-mail of another municipality's staff, a deactivated account, or
    someone no manager created (unless the municipality creates unknown staff, with no roles)."""
    subject, email = _checked_claims(provider, claims)
    user = _linked_user(provider, claims, subject, email)
    if not user.is_active:
        _refuse(DEACTIVATED, f"staff {user.pk} is deactivated", provider)
    if user.municipality_id != provider.municipality_id or user.is_administrator:
        _refuse(NOT_STAFF, f"account {user.pk} is not staff of the municipality", provider)
    if provider.maps_roles:
        _roles_synced(provider, user, claims)
    return user
