"""Demo experience reports (see cms.tooling.demo for the loader they are given)."""

from pathlib import Path

from plugins.reports.models import ReportFunding, ReportProject

DATA = Path(__file__).with_name("demo.yaml")
AFTER = ("projects", "funding")  # reports link to both


def page_fields(loader, item: dict) -> dict:
    text = loader.text
    quote = item.get("quote") or {}
    return {
        "author_name": text(item.get("author_name")),
        "author_organisation": loader.organisations.get(item.get("author_organisation")),
        "publication_date": item["publication_date"],
        "quote_text": text(quote.get("text")),
        "quote_attribution": text(quote.get("attribution")),
        "related_projects": [
            ReportProject(project=loader.pages[("projects", key)]) for key in item.get("related_projects", [])
        ],
        "related_funding": [
            ReportFunding(funding_page=loader.pages[("funding", key)]) for key in item.get("related_funding", [])
        ],
    }
