"""Form conventions: Chinese messages; inputs tied to their help and errors for screen readers."""

from django import forms
from django.utils.html import format_html, format_html_join


class PortalFormMixin:
    """Link each input to its help text and errors (aria-describedby, aria-invalid)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            described = []
            if field.help_text:
                described.append(f"id_{name}_help")
            field.widget.attrs.setdefault("aria-describedby", " ".join(described) or None)
            if field.widget.attrs["aria-describedby"] is None:
                del field.widget.attrs["aria-describedby"]

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = " ".join(
                    filter(None, [attrs.get("aria-describedby"), f"id_{name}_error"])
                )


class PortalForm(PortalFormMixin, forms.Form):
    pass


def apply_workflow_error(form, error) -> None:
    """Show a service's refusal on the form: on its field when it names one, else on top."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class QuickSelect(forms.Select):
    """A select drawn in Python rather than by a template per option.

    The public filter form is on every list page; through the widget templates its few
    dozen options cost more than the rest of the page. Same markup, optgroups aside
    (the filters have none).
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], " selected" if option["selected"] else "", option["label"])
                for _, group, _ in widget["optgroups"]
                for option in group
            ),
        )
        attributes = format_html_join(
            "",
            "{}",
            (
                (format_html(" {}", key) if val is True else format_html(' {}="{}"', key, val),)
                for key, val in widget["attrs"].items()
                if val is not False and val is not None
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)
