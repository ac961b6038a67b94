"""Pure domain: entities, use cases and ports. Imports nothing from the rest of the project."""
