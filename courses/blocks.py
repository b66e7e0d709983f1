"""StreamField blocks shared by course pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("标题"))

    class Meta:
        icon = "title"
        template = "courses/blocks/heading_block.html"
        preview_value = {"text": "课程目标"}
        description = _("小标题")


class ScheduleItemBlock(blocks.StructBlock):
    topic = blocks.CharBlock(label=_("专题"))
    method = blocks.CharBlock(label=_("方式"), required=False)
    hours = blocks.DecimalBlock(label=_("学时"), required=False, max_digits=5, decimal_places=1)

    class Meta:
        icon = "list-ul"
        template = "courses/blocks/schedule_item_block.html"
        preview_value = {"topic": "工会法与劳动法实务", "method": "讲授", "hours": 4}
        description = _("课程安排中的一项专题")


class CourseBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("段落"), features=["bold", "italic", "ol", "ul", "link"]
    )
    schedule_item = ScheduleItemBlock()
