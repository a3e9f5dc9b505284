"""Demo events and their series (see cms.tooling.demo for the loader they are given)."""

import uuid
from pathlib import Path

from plugins.events.models import EventSeries

DATA = Path(__file__).with_name("demo.yaml")


def load_snippets(loader, data: dict) -> None:
    series = loader.snippets.setdefault("event_series", {})
    for item in data.get("event_series", []):
        loader.snippet(
            EventSeries,
            {"slug": item["slug"]},
            {"title": loader.text(item["title"]), "description": loader.text(item.get("description"))},
            item,
            series,
        )


def page_fields(loader, item: dict) -> dict:
    text, when = loader.text, loader.when
    return {
        "start": when(item["start"]),
        "end": when(item.get("end")),
        "all_day": bool(item.get("all_day")),
        "event_format": item["format"],
        "venue": text(item.get("venue")),
        "address": item.get("address") or "",
        "online_access": text(item.get("online_access")),
        "organiser": loader.organisations.get(item.get("organiser")),
        "moderation": item.get("moderation") or "",
        "series": loader.snippets.get("event_series", {}).get(item.get("series")),
        "registration_url": item.get("registration_url") or "",
        "registration_deadline": when(item.get("registration_deadline")),
        "agenda": [
            {
                "type": "item",
                "id": str(uuid.uuid4()),
                "value": {
                    "start_time": slot["start"],
                    "end_time": slot.get("end"),
                    "title": text(slot["title"]),
                    "description": text(slot.get("description")),
                    "speakers": slot.get("speakers") or "",
                },
            }
            for slot in item.get("agenda", [])
        ],
        "documentation": loader.stream(item.get("documentation", [])),
        "attachments": [
            {
                "type": "attachment",
                "id": str(uuid.uuid4()),
                "value": {
                    "document": loader.document(text(a["title"]), a["filename"], text(a.get("description"))).pk,
                    "title": text(a["title"]),
                    "description": text(a.get("description")),
                },
            }
            for a in item.get("attachments", [])
        ],
    }
