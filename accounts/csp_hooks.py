"""The admin's side of the Content-Security-Policy (lms/settings/base.py, lms/csp.py).

Imported from ``AccountsConfig.ready()``: loads static_src/js/behaviours.js on every admin page
(our admin templates use its data attributes instead of inline handlers), and gives the inline
script of Wagtail's chooser widgets the request's nonce. Those widgets build their ``<script>``
in Python (``BaseChooser.render``) rather than from a template we could override.
"""

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail import hooks
from wagtail.admin.widgets.chooser import BaseChooser

from lms.csp import current_nonce


@hooks.register("insert_global_admin_js")
def behaviours_js():
    return format_html('<script src="{}" defer></script>', static("js/behaviours.js"))


def _render_with_nonce(self, name, value, attrs=None, renderer=None):
    """``BaseChooser.render`` of Wagtail 8, with the nonce on its script."""
    try:
        id_ = attrs["id"]
    except (KeyError, TypeError) as error:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from error
    value_data = self.get_value_data(value)
    widget_html = self.render_html(name, value_data, attrs)
    js = self.render_js_init(id_, name, value_data)
    # Same output as Wagtail's, which marks the script safe as it is (telepath's JSON).
    return mark_safe(  # noqa: S308
        format_html('{}<script nonce="{}">', widget_html, current_nonce()) + js + "</script>"
    )


BaseChooser.render = _render_with_nonce
