from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from typing import ClassVar, TypedDict, Unpack

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from core.models import TimeStampedModel

# REDCap's API tokens: 32 hexadecimal digits, in capitals.
REDCAP_SECRET = re.compile(r"[0-9A-F]{32}")


class UserFields(TypedDict, total=False):
    """A new person's own fields beside the email and password (`create_user`)."""

    full_name: str
    time_zone: str
    is_staff: bool
    is_superuser: bool
    is_active: bool
    date_joined: dt.datetime


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, email: str, password: str | None = None, **extra: Unpack[UserFields]
    ) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self, email: str, password: str | None = None, **extra: Unpack[UserFields]
    ) -> User:
        extra["is_staff"] = extra["is_superuser"] = True
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in to RadCollab. Email is the login; there is no username."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(
        max_length=64, default="Europe/London", help_text="Times are shown in this zone."
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Raised by every save of the name and time zone; a save from an older version is
    # refused (two tabs, or two devices) instead of silently overwriting the other.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    # Set on the instance when the request came with a scoped API token; not stored.
    api_token_scope: str = ""

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[0]


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        """Not revoked (an expired token still counts, so that its name stays taken
        until its owner revokes it)."""
        return self.filter(revoked_at__isnull=True)


class ApiToken(TimeStampedModel):
    """A personal access token for scripts. Only its SHA-256 digest is stored.

    Tokens are 256-bit random strings, so a fast digest is enough: there is no
    password to guess, and lookups by digest stay a single indexed query.
    """

    PREFIX = "rc_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False, help_text="First characters, shown.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    # After this instant the token opens nothing (empty: it lasts until revoked).
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Empty for a personal token, which acts as its owner everywhere. A capability may
    # narrow a token to part of the API ("study:12:statistician", see capture/tokens.py);
    # `radcollab.api.TokenAuth` refuses a scoped token on every route its owner app does
    # not claim, so an unknown scope opens nothing.
    scope = models.CharField(max_length=100, blank=True, editable=False)
    scope_label = models.CharField(
        max_length=200, blank=True, editable=False, help_text="The scope in words, shown."
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="api_token_name_unique_while_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @classmethod
    def new_secret(cls, *, redcap: bool = False) -> str:
        """A new secret; `redcap` gives REDCap's format (32 hex digits, 128 bits), which
        PyCap and REDCapR insist on, for study tokens."""
        if redcap:
            return secrets.token_hex(16).upper()
        return cls.PREFIX + secrets.token_urlsafe(32)

    @classmethod
    def is_secret(cls, text: str) -> bool:
        """Whether `text` has the form of a secret: `rc_…` or REDCap's 32 hex digits."""
        return text.startswith(cls.PREFIX) or REDCAP_SECRET.fullmatch(text) is not None

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()


class Invitation(TimeStampedModel):
    """An invitation to join RadCollab, optionally with a role at a site or scheme."""

    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    role = models.CharField(max_length=20, blank=True)
    site = models.ForeignKey(
        "network.Site", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    scheme = models.ForeignKey(
        "network.TrainingScheme", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
