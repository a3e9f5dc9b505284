"""The tests' type lists: every registered content type, read from the descriptors (so a new type is
tested by every test parametrised over them, never silently skipped)."""

from plugins.shared import content_types

TYPES = content_types.names()
FACTORIES = {descriptor.name: descriptor.factory_class() for descriptor in content_types.all()}
MODELS = {descriptor.name: descriptor.page_model for descriptor in content_types.all()}
