"""Demo funding information (see cms.tooling.demo for the loader they are given)."""

from pathlib import Path

from plugins.funding.models import FundingDeadline, FundingProject

DATA = Path(__file__).with_name("demo.yaml")


def page_fields(loader, item: dict) -> dict:
    text = loader.text
    return {
        "funder": loader.organisations.get(item.get("funder")),
        "programme": text(item.get("programme")),
        "kind": item.get("kind", "grant"),
        "amount_min": item.get("amount_min"),
        "amount_max": item.get("amount_max"),
        "cofinancing_percent": item.get("cofinancing_percent"),
        "eligible_applicants": text(item.get("eligible_applicants")),
        "rolling": bool(item.get("rolling")),
        "application_url": item.get("application_url") or "",
        "deadlines": [
            FundingDeadline(label=text(d.get("label")), opens_on=d.get("opens"), closes_on=d["closes"], sort_order=i)
            for i, d in enumerate(item.get("deadlines", []))
        ],
    }


def finish(loader, item: dict) -> None:
    """Funding pages list the projects they funded: linked once the projects exist."""
    page = loader.pages[("funding", item["key"])]
    wanted = [loader.pages[("projects", key)] for key in item.get("related_projects", [])]
    if not wanted or page.related_projects.exists():
        return
    page.related_projects = [FundingProject(project=project) for project in wanted]
    page.save_revision().publish()
