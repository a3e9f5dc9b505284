from plugins.shared import content_types


class JobOffersConfig(content_types.ContentTypeConfig):
    """A content type that exists only for the tests (cms/settings/test.py installs it): it proves that a
    type is one folder and one line in INSTALLED_APPS."""

    name = "tests.joboffers"
    label = "joboffers"
    verbose_name = "Stellenangebote"
