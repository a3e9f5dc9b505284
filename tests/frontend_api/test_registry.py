"""The API finds the content types through their plugins' api.py; frontend_api names none of them."""

from pathlib import Path

import frontend_api
from frontend_api import registry
from tests.content_types import TYPES


def test_the_four_types_are_registered():
    assert set(registry.type_names()) == set(TYPES)
    for api in registry.content_types():
        assert api.model.__module__.startswith("plugins.")
        assert registry.for_model(api.model) is api


def test_frontend_api_does_not_name_a_content_type():
    root = Path(frontend_api.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text()
        for plugin in ("plugins.projects", "plugins.reports", "plugins.events", "plugins.funding"):
            assert plugin not in text, f"{path.relative_to(root)} names {plugin}"
