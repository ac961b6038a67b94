from alembic import context

from bot.db.models import Base, UTCDateTime


def render_item(kind, item, autogen_context):
    # Migrations must not import the app: write the plain column type a TypeDecorator wraps.
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through bot.db.migrate.upgrade_to_head (hamkari migrate).")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite can only ALTER tables by copying them
    compare_type=True,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
