"""StreamField blocks every content type shares: what editors need to tell a project's story."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label="Bild")
    alt_text = blocks.CharBlock(
        label="Alternativtext", max_length=255, help_text="Beschreibt das Bild für Menschen, die es nicht sehen."
    )
    caption = blocks.CharBlock(label="Bildunterschrift", required=False, max_length=500)
    credit = blocks.CharBlock(label="Bildnachweis", required=False, max_length=255, help_text="z. B. „Foto: …“")

    class Meta:
        icon = "image"
        label = "Bild"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label="Zitat")
    attribution = blocks.CharBlock(label="Quelle / Person", required=False, max_length=255)

    class Meta:
        icon = "openquote"
        label = "Zitat"


class KeyFigureBlock(blocks.StructBlock):
    number = blocks.CharBlock(label="Zahl", max_length=32, help_text="z. B. „über 3.000“ oder „13“")
    label = blocks.CharBlock(label="Bezeichnung", max_length=255, help_text="z. B. „erreichte AkteurInnen“")

    class Meta:
        icon = "pick"
        label = "Kennzahl"


class LinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="Linktext", max_length=255)
    url = blocks.URLBlock(label="Adresse", required=False)
    page = blocks.PageChooserBlock(label="oder Seite im Hub", required=False)

    class Meta:
        icon = "link"
        label = "Link"

    def clean(self, value):
        from django.core.exceptions import ValidationError
        from wagtail.blocks import StructBlockValidationError

        value = super().clean(value)
        if not value.get("url") and not value.get("page"):
            raise StructBlockValidationError(
                block_errors={"url": ValidationError("Bitte eine Adresse angeben oder eine Seite wählen.")}
            )
        return value


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label="Dokument")
    title = blocks.CharBlock(label="Titel", required=False, max_length=255, help_text="Leer: Titel des Dokuments")
    description = blocks.TextBlock(label="Beschreibung", required=False)

    class Meta:
        icon = "doc-full"
        label = "Anhang"


class CallToActionBlock(blocks.StructBlock):
    text = blocks.TextBlock(label="Text")
    button_label = blocks.CharBlock(label="Beschriftung der Schaltfläche", max_length=80)
    url = blocks.URLBlock(label="Ziel")

    class Meta:
        icon = "pick"
        label = "Handlungsaufforderung"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label="Zwischenüberschrift", max_length=255, form_classname="title", icon="title")
    rich_text = blocks.RichTextBlock(label="Text", features=RICH_TEXT_FEATURES)
    image = ImageBlock()
    quote = QuoteBlock()
    key_figures = blocks.ListBlock(KeyFigureBlock(), label="Kennzahlen", icon="pick")
    link_list = blocks.ListBlock(LinkBlock(), label="Linkliste", icon="list-ul")
    attachment = AttachmentBlock()
    video = EmbedBlock(label="Video", help_text="Adresse eines Videos, z. B. bei YouTube oder Vimeo", icon="media")
    call_to_action = CallToActionBlock()

    class Meta:
        label = "Inhalt"
