"""Site-wide glue for Rapport: refuses unsafe Jinja settings, adds shared filters."""

from .plugin import register

__all__ = ["register"]
