"""The role the app runs as under row-level security (PostgreSQL only; see core/rls.py).

The role cannot log in, is not a superuser and has no BYPASSRLS; the owner (the role that
migrates) becomes a member so it can `SET ROLE` to it. Grants and policies are (re)applied after
every migrate by `core.rls.install`, so tables added later are covered too.
"""

from django.db import migrations


def create_role(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    role = connection.settings_dict.get("APP_ROLE") or ""
    if not role:
        return
    quoted = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE ROLE {quoted} NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT")
        cursor.execute(
            "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = %s", [role]
        )
        if cursor.fetchone()[0]:
            raise RuntimeError(
                f"The app role {role} is a superuser or has BYPASSRLS: row-level security "
                "would not apply to it. Use a role without either (DATABASE_APP_ROLE)."
            )
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            cursor.execute(
                "SELECT pg_has_role(current_user, %s, 'MEMBER')",
                [role],
            )
            if not cursor.fetchone()[0]:
                cursor.execute(f"GRANT {quoted} TO CURRENT_USER")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_invitations")]

    operations = [migrations.RunPython(create_role, migrations.RunPython.noop, elidable=False)]
