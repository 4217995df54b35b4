"""``clearinghouse api_token USERNAME --name NAME``: issue an API token (shown once)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clearinghouse.api.models import ApiToken
from clearinghouse.api.tokens import token_create, token_revoke


class Command(BaseCommand):
    help = "Issue (or list, or revoke) API tokens for scripts."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="script", help="what the token is for")
        parser.add_argument("--days", type=int, default=0, help="expires after N days (0: never)")
        parser.add_argument("--list", action="store_true", help="list the account's tokens")
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the token with this prefix")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no account {options['username']!r}")
        if options["list"]:
            for token in ApiToken.objects.filter(user=user):
                state = "revoked" if token.revoked else "active"
                self.stdout.write(
                    f"{token.prefix}  {token.name}  {state}  last used {token.last_used_at}"
                )
            return
        if options["revoke"]:
            token = ApiToken.objects.filter(user=user, prefix=options["revoke"]).first()
            if token is None:
                raise CommandError("no such token")
            token_revoke(token=token)
            self.stdout.write(f"revoked {token.prefix}")
            return
        expires = timezone.now() + dt.timedelta(days=options["days"]) if options["days"] else None
        _row, secret = token_create(user=user, name=options["name"], expires_at=expires)
        self.stdout.write(secret)
