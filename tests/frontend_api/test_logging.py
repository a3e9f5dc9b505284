"""Each log record is printed once: Django's request warnings ("Not Found", "Invalid HTTP_HOST header")
went through Django's own console handler and, propagated, through ours as well whenever DEBUG was on."""

import logging

import pytest


def printing_handlers(record: logging.LogRecord) -> list[logging.Handler]:
    """The stream handlers that print `record`, walking up the logger tree as logging does (the handlers
    pytest adds to capture logs left out)."""
    handlers = []
    logger: logging.Logger | None = logging.getLogger(record.name)
    while logger is not None:
        handlers += [handler for handler in logger.handlers
                     if isinstance(handler, logging.StreamHandler) and not type(handler).__module__.startswith("_pytest")
                     and record.levelno >= handler.level and handler.filter(record)]
        logger = logger.parent if logger.propagate else None
    return handlers


@pytest.mark.parametrize("debug", [True, False])
def test_a_404_under_the_api_is_logged_once(anon, settings, caplog, debug):
    settings.DEBUG = debug
    with caplog.at_level(logging.WARNING):
        assert anon.get("/api/v1/no-such-thing/").status_code == 404
    [record] = [record for record in caplog.records if record.name == "django.request"]
    assert record.getMessage() == "Not Found: /api/v1/no-such-thing/"
    assert len(printing_handlers(record)) == 1, printing_handlers(record)


@pytest.mark.parametrize("debug", [True, False])
def test_a_disallowed_host_is_logged_once(anon, settings, caplog, debug):
    settings.DEBUG = debug
    with caplog.at_level(logging.WARNING):
        anon.get("/api/v1/health/", HTTP_HOST="evil.example")
    [record] = [record for record in caplog.records if record.name.startswith("django.security")]
    assert "Invalid HTTP_HOST header" in record.getMessage()
    assert len(printing_handlers(record)) == 1, printing_handlers(record)
