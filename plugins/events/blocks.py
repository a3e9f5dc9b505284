from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from plugins.shared.blocks import BodyBlock


class AgendaItemBlock(blocks.StructBlock):
    start_time = blocks.TimeBlock(label=_("Start"))
    end_time = blocks.TimeBlock(label=_("End"), required=False)
    title = blocks.CharBlock(label=_("Programme item"), max_length=255)
    description = blocks.TextBlock(label=_("Description"), required=False)
    speakers = blocks.CharBlock(label=_("Speakers"), max_length=500, required=False)

    class Meta:
        icon = "time"
        label = _("Programme item")

    def clean(self, value):
        from django.core.exceptions import ValidationError
        from wagtail.blocks import StructBlockValidationError

        value = super().clean(value)
        if value.get("start_time") and value.get("end_time") and value["end_time"] < value["start_time"]:
            raise StructBlockValidationError(
                block_errors={"end_time": ValidationError(_("The item ends before it starts."))}
            )
        return value


class DocumentationBlock(BodyBlock):
    """What is published after an event: text, presentations, survey results."""
