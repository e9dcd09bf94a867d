"""Site-wide glue for Rapport: refuses unsafe Jinja settings, adds shared filters."""

__all__ = ["register"]


def register():
    """Connect the receivers. Imported here, not above: every invoke task imports this
    package (for its tasks), and none needs the build's filters, cards or search."""
    from .plugin import register as connect

    connect()
