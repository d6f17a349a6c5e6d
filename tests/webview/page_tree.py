# SPDX-License-Identifier: GPL-3.0-or-later
"""A page's DOM, as Chromium serialized it, read into a small tree: elements with their tag,
attributes and children, to find them by tag and class and read their text as a browser shows
it (no script or style content)."""
import html.parser

# Elements that never have content, so no end tag closes them.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
NOT_SHOWN = {"script", "style", "template"}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []  # Element or str

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    def text(self):
        if self.tag in NOT_SHOWN:
            return ""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def raw_text(self):
        """The text inside, script content included."""
        return "".join(c if isinstance(c, str) else c.raw_text() for c in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag=None, cls=None):
        return [e for e in self.iter()
                if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)]

    def find(self, tag=None, cls=None):
        found = self.find_all(tag, cls)
        return found[0] if found else None


class _TreeBuilder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        # Chromium's serialization is well formed; close up to the matching element.
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_page(dom):
    builder = _TreeBuilder()
    builder.feed(dom)
    builder.close()
    return builder.root
