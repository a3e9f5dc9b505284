from plugins.shared import content_types


class FundingConfig(content_types.ContentTypeConfig):
    name = "plugins.funding"
    label = "funding"
    verbose_name = "Förderinformationen"
