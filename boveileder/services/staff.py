"""Staff accounts of a municipality, managed by its managers.

Staff are never deleted (follow-ups, decisions and timelines point at them): they are deactivated.
Every municipality keeps at least one active manager, so nobody is locked out of managing staff.
"""

import logging

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from boveileder.constraints import said_on_field
from boveileder.models import Role, User

logger = logging.getLogger(__name__)

ROLE_FIELDS = {Role.COUNSELLOR: "is_counsellor", Role.OFFICER: "is_officer", Role.MANAGER: "is_manager"}
# No look-alike characters (0/O, 1/l/I): the password is read off a screen and typed by hand.
PASSWORD_CHARS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 - an alphabet, not a password
GENERATED_PASSWORD_LENGTH = 16


def password_generate() -> str:
    """A random password that meets the validators, for a manager to hand over once."""
    return get_random_string(GENERATED_PASSWORD_LENGTH, PASSWORD_CHARS)


def _check_manager_of(by, user) -> None:
    if (
        not (by.is_active and by.is_manager and by.municipality_id)
        or by.municipality_id != user.municipality_id
    ):
        raise PermissionDenied


def _lock_managers(municipality_id) -> None:
    """Lock the municipality's active managers, in pk order. Every change that could take a manager
    away takes these locks first and in the same order, so two at once queue instead of deadlocking
    (two managers deactivating each other used to lock each other's row first)."""
    list(
        User.objects.select_for_update()
        .filter(municipality_id=municipality_id, is_active=True, is_manager=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _ensure_a_manager_remains(user) -> None:
    """Refuse a change that would leave the user's municipality without an active manager."""
    others = (
        User.objects.select_for_update()
        .filter(municipality_id=user.municipality_id, is_active=True, is_manager=True)
        .exclude(pk=user.pk)
    )
    if not list(others.values_list("pk", flat=True)):
        raise ValidationError(_("The municipality must keep at least one active manager."))


def _set_roles(user, roles) -> None:
    roles = {Role(role) for role in roles}
    if not roles:
        raise ValidationError({"roles": _("Choose at least one role.")})
    for role, field in ROLE_FIELDS.items():
        setattr(user, field, role in roles)


def staff_create(
    *,
    by,
    username: str,
    first_name: str,
    last_name: str,
    roles,
    email: str = "",
    can_approve_decisions: bool = False,
    password: str | None = None,
) -> tuple[User, str | None]:
    """Create a staff member of the manager's municipality. Without `password` one is generated and
    returned (to be shown once); a given password must pass AUTH_PASSWORD_VALIDATORS."""
    if not (by.is_active and by.is_manager and by.municipality_id):
        raise PermissionDenied
    user = User(
        municipality_id=by.municipality_id,
        username=username.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        can_approve_decisions=can_approve_decisions,
        is_active=True,
    )
    _set_roles(user, roles)
    generated = None
    if password is None:
        password = generated = password_generate()
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    with said_on_field(User):  # the same username taken a moment ago
        user.save()
    logger.info("user %s created staff %s with roles %s", by.pk, user.pk, ",".join(sorted(user.roles)))
    return user, generated


def staff_update(
    *, user, by, first_name: str, last_name: str, email: str, roles, can_approve_decisions: bool
) -> User:
    """Change a staff member's names, e-mail, roles and right to approve decisions. A manager keeps
    their own manager role, and the municipality keeps an active manager."""
    _check_manager_of(by, user)
    with transaction.atomic():
        _lock_managers(user.municipality_id)
        user = User.objects.select_for_update().get(pk=user.pk)
        was_manager = user.is_manager
        user.first_name, user.last_name, user.email = first_name.strip(), last_name.strip(), email.strip()
        user.can_approve_decisions = can_approve_decisions
        _set_roles(user, roles)
        if was_manager and not user.is_manager:
            if user.pk == by.pk:
                raise ValidationError({"roles": _("You cannot remove your own manager role.")})
            if user.is_active:
                _ensure_a_manager_remains(user)
        user.full_clean()
        user.save()
    logger.info("user %s updated staff %s: roles %s", by.pk, user.pk, ",".join(sorted(user.roles)))
    return user


def staff_deactivate(*, user, by) -> User:
    """Deactivate a staff member: they can no longer log in, and their open sessions end. Nothing
    they did is removed."""
    _check_manager_of(by, user)
    if user.pk == by.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    with transaction.atomic():
        _lock_managers(user.municipality_id)
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_manager and locked.is_active:
            _ensure_a_manager_remains(locked)
        locked.is_active = user.is_active = False
        locked.save(update_fields=["is_active"])
    logger.info("user %s deactivated staff %s", by.pk, user.pk)
    return user


def staff_reactivate(*, user, by) -> User:
    """Let a deactivated staff member log in again, with the password they had."""
    _check_manager_of(by, user)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        logger.info("user %s reactivated staff %s", by.pk, user.pk)
    return user


def staff_password_reset(*, user, by, password: str) -> User:
    """Give a staff member a new password chosen by the manager; the old one stops working, their
    sessions end, and a login lockout for their username is lifted."""
    _check_manager_of(by, user)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    from axes.utils import reset as axes_reset

    axes_reset(username=user.username)
    logger.info("user %s reset the password of staff %s", by.pk, user.pk)
    return user


def staff_otp_reset(*, user, by) -> int:
    """Remove a staff member's two-factor devices so they enrol again at their next login; returns
    how many devices were removed."""
    _check_manager_of(by, user)
    with transaction.atomic():
        removed = 0
        for model in (TOTPDevice, StaticDevice):
            devices = model.objects.filter(user=user)
            removed += devices.count()
            devices.delete()
    logger.info("user %s reset the two-factor devices of staff %s (%s removed)", by.pk, user.pk, removed)
    return removed
