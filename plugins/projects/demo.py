"""Demo projects (see cms.tooling.demo for the loader they are given)."""

import uuid
from pathlib import Path

from plugins.projects.models import ProjectFunder, ProjectLink, ProjectParticipant

DATA = Path(__file__).with_name("demo.yaml")
AFTER = ("funding",)  # funders link to funding pages


def page_fields(loader, item: dict) -> dict:
    text = loader.text
    return {
        "status": item["status"],
        "start_date": item.get("start_date"),
        "end_date": item.get("end_date"),
        "goals": [{"type": "goal", "value": text(goal), "id": str(uuid.uuid4())} for goal in item.get("goals", [])],
        "participants": [
            ProjectParticipant(organisation=loader.organisations[p["organisation"]], role=p.get("role", "partner"))
            for p in item.get("organisations", [])
        ],
        "funders": [
            ProjectFunder(
                organisation=loader.organisations[f["organisation"]],
                funding_page=loader.pages.get(("funding", f.get("funding"))),
            )
            for f in item.get("funders", [])
        ],
        "external_links": [
            ProjectLink(title=text(link["title"]), url=link["url"]) for link in item.get("external_links", [])
        ],
    }
