from wagtail import blocks

from plugins.shared.blocks import BodyBlock


class AgendaItemBlock(blocks.StructBlock):
    start_time = blocks.TimeBlock(label="Beginn")
    end_time = blocks.TimeBlock(label="Ende", required=False)
    title = blocks.CharBlock(label="Programmpunkt", max_length=255)
    description = blocks.TextBlock(label="Beschreibung", required=False)
    speakers = blocks.CharBlock(label="Mitwirkende", max_length=500, required=False)

    class Meta:
        icon = "time"
        label = "Programmpunkt"

    def clean(self, value):
        from django.core.exceptions import ValidationError
        from wagtail.blocks import StructBlockValidationError

        value = super().clean(value)
        if value.get("start_time") and value.get("end_time") and value["end_time"] < value["start_time"]:
            raise StructBlockValidationError(
                block_errors={"end_time": ValidationError("Das Ende liegt vor dem Beginn des Programmpunkts.")}
            )
        return value


class DocumentationBlock(BodyBlock):
    """What is published after an event: text, presentations, survey results."""
