"""The API serves the registered content types (their descriptors' API definitions); frontend_api names none."""

from pathlib import Path
from types import SimpleNamespace

import frontend_api
from frontend_api import registry
from tests.content_types import TYPES


def test_every_registered_type_is_served():
    assert set(registry.type_names()) == set(TYPES)
    assert {"events", "funding", "projects", "reports"} <= set(TYPES)
    for api in registry.content_types():
        assert api.descriptor.api is api
        assert registry.for_model(api.model) is api


def test_one_matching_rule_a_subclass_belongs_to_its_closest_type(monkeypatch):
    """Search, API and webhooks all ask `content_types.for_model`: a subclass of a type's page model is
    that type (the closest one when types derive from each other), whoever asks."""
    from plugins.shared import content_types
    from search import registry as search_registry

    class Base: ...
    class Special(Base): ...
    class MoreSpecial(Special): ...
    class Other: ...

    base = content_types.ContentTypeDescriptor("base", Base, object, {}, {}, search_index=SimpleNamespace(),
                                               api=SimpleNamespace())
    special = content_types.ContentTypeDescriptor("special", Special, object, {}, {}, search_index=SimpleNamespace(),
                                                  api=SimpleNamespace())
    monkeypatch.setattr(content_types, "_registry", {"base": base, "special": special})
    assert content_types.for_model(Base) is base
    assert content_types.for_model(MoreSpecial) is special
    assert registry.for_model(MoreSpecial) is special.api and search_registry.for_model(MoreSpecial) is special.search_index
    assert content_types.for_model(Other) is None and registry.for_model(Other) is None


def test_frontend_api_does_not_name_a_content_type():
    root = Path(frontend_api.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text()
        for plugin in ("plugins.projects", "plugins.reports", "plugins.events", "plugins.funding"):
            assert plugin not in text, f"{path.relative_to(root)} names {plugin}"
