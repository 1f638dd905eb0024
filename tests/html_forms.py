"""What a browser would send for a form left as it was rendered: the page's own values, read with
the standard library's HTML parser (no browser needed)."""

from html.parser import HTMLParser

TEXT_TYPES = {"text", "hidden", "date", "number", "email", "tel", "search", "url", "password", ""}


class _FormReader(HTMLParser):
    def __init__(self, index: int):
        super().__init__(convert_charrefs=True)
        self.index, self.seen, self.inside = index, -1, False
        self.data: list[tuple[str, str]] = []
        self.select: str | None = None
        self.select_options: list[tuple[str, bool]] = []
        self.textarea: str | None = None
        self.textarea_text = ""
        self.option_value: str | None = None
        self.option_text = ""
        self.option_selected = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.seen += 1
            self.inside = self.seen == self.index and a.get("method", "get").lower() == "post"
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((name, a.get("value", "on")))
            elif kind in TEXT_TYPES:
                self.data.append((name, a.get("value", "")))
        elif tag == "select" and name and "disabled" not in a:
            self.select, self.select_options = name, []
        elif tag == "option" and self.select:
            self.option_value, self.option_text = a.get("value"), ""
            self.option_selected = "selected" in a
        elif tag == "textarea" and name and "disabled" not in a:
            self.textarea, self.textarea_text = name, ""

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea_text += data
        elif self.option_value is not None or (self.select and self.option_text is not None):
            self.option_text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "option" and self.select:
            value = self.option_value if self.option_value is not None else self.option_text.strip()
            self.select_options.append((value, self.option_selected))
            self.option_value = None
        elif tag == "select" and self.select:
            chosen = [v for v, selected in self.select_options if selected] or [self.select_options[0][0]]
            self.data.extend((self.select, v) for v in chosen[:1])
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.data.append((self.textarea, self.textarea_text.removeprefix("\n")))
            self.textarea = None


def untouched(html: str, index: int = 1) -> dict[str, list[str]]:
    """The values the `index`-th form of the page (0 is the logout form in the menu) would send."""
    reader = _FormReader(index)
    reader.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    data.pop("csrfmiddlewaretoken", None)
    return data
