"""StreamField blocks every content type shares: what editors need to tell a project's story."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"), max_length=255, help_text=_("Describes the image for people who cannot see it.")
    )
    caption = blocks.CharBlock(label=_("Image caption"), required=False, max_length=500)
    credit = blocks.CharBlock(label=_("Image credit"), required=False, max_length=255, help_text=_("e.g. “Photo: …”"))

    class Meta:
        icon = "image"
        label = _("Image")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Source / person"), required=False, max_length=255)

    class Meta:
        icon = "openquote"
        label = _("Quote")


class KeyFigureBlock(blocks.StructBlock):
    number = blocks.CharBlock(label=_("Number"), max_length=32, help_text=_("e.g. “over 3,000” or “13”"))
    label = blocks.CharBlock(label=_("Label"), max_length=255, help_text=_("e.g. “people reached”"))

    class Meta:
        icon = "pick"
        label = _("Key figure")


class LinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Link text"), max_length=255)
    url = blocks.URLBlock(label=_("Address"), required=False)
    page = blocks.PageChooserBlock(label=_("or a page in the hub"), required=False)

    class Meta:
        icon = "link"
        label = _("Link")

    def clean(self, value):
        from django.core.exceptions import ValidationError
        from wagtail.blocks import StructBlockValidationError

        value = super().clean(value)
        if not value.get("url") and not value.get("page"):
            raise StructBlockValidationError(
                block_errors={"url": ValidationError(_("Please give an address or choose a page."))}
            )
        return value


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        label=_("Title"), required=False, max_length=255, help_text=_("Empty: the document’s title")
    )
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Attachment")


class CallToActionBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Text"))
    button_label = blocks.CharBlock(label=_("Button label"), max_length=80)
    url = blocks.URLBlock(label=_("Target"))

    class Meta:
        icon = "pick"
        label = _("Call to action")


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=255, form_classname="title", icon="title")
    rich_text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    image = ImageBlock()
    quote = QuoteBlock()
    key_figures = blocks.ListBlock(KeyFigureBlock(), label=_("Key figures"), icon="pick")
    link_list = blocks.ListBlock(LinkBlock(), label=_("Link list"), icon="list-ul")
    attachment = AttachmentBlock()
    video = EmbedBlock(label=_("Video"), help_text=_("Address of a video, e.g. on YouTube or Vimeo"), icon="media")
    call_to_action = CallToActionBlock()

    class Meta:
        label = _("Content")
