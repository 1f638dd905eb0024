"""Print the fingerprint of the small national dataset, generated on a fresh in-memory database
with the generator's defaults (its seed and its fixed day): `python -m tests.demo.national_fingerprint`.
Run in a process of its own, so each run has its own string hash seed."""

import hashlib
import os


def fingerprint(dataset) -> str:
    """A hash of every row of every table, in order; passwords left out (their hasher is a setting)."""
    digest = hashlib.sha256()
    for model, fields, rows in dataset.tables:
        digest.update(repr((model._meta.label, list(fields))).encode())
        for row in rows:
            row = tuple(row)
            if "password" in fields:
                row = tuple(v for f, v in zip(fields, row, strict=True) if f != "password")
            digest.update(repr(row).encode())
    return digest.hexdigest()


def main():
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boveileder.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    from demo.national import SCALES, generate

    call_command("migrate", verbosity=0)
    print(fingerprint(generate(scale=SCALES["small"])))


if __name__ == "__main__":
    main()
