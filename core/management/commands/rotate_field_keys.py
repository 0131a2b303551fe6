"""`manage.py rotate_field_keys`: re-encrypt every encrypted personal field under the newest key.

Key rotation (docs/privacy.md): put a new key first in FIELD_ENCRYPTION_KEYS (keep the old ones
after it), restart, run this command, then drop the old keys. Batched and idempotent: it can be
stopped and run again; a second run re-encrypts nothing.
"""

from django.core.management.base import BaseCommand

from core.crypto import field_keys_rotate


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field value under the newest FIELD_ENCRYPTION_KEYS key."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        for label, count in field_keys_rotate(batch_size=batch_size).items():
            self.stdout.write(f"{label}: {count} re-encrypted")
