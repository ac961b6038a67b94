"""Storage: SQLAlchemy 2 models, repositories returning domain objects, unit of work, migrations."""
