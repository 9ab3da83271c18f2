"""Markdown to safe HTML, every time it is shown (DESIGN §10: Python-Markdown passes raw HTML
through, so its output always goes through nh3), and the check that refuses unsafe text when it
is saved, so an author learns that the script or link they pasted will not work."""

import re
from html.parser import HTMLParser

import markdown as md
import nh3

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "del",
    "s", "ul", "ol", "li", "blockquote", "code", "pre", "a", "table", "thead", "tbody", "tr",
    "th", "td", "sup", "sub",
}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
EXTENSIONS = ["tables", "sane_lists", "nl2br"]
# Elements whose presence means the author tried more than formatting.
FORBIDDEN_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
    "input", "button", "textarea", "select", "svg", "math", "link", "meta", "base", "img",
    "video", "audio", "source", "template", "noscript", "xml", "marquee", "details",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background",
                  "poster", "srcset"}
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def to_html(text: str) -> str:
    """Safe HTML for ``text`` (Markdown). Links open nothing but http(s), mail and phone."""
    raw = md.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    return nh3.clean(
        raw, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow", strip_comments=True,
        clean_content_tags={"script", "style"},
    )


class _Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.unsafe = False

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.unsafe = True
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on") or name == "style":
                self.unsafe = True
            elif name in URL_ATTRIBUTES and value:
                compact = _INVISIBLE.sub("", value).lower()
                scheme = compact.split(":", 1)[0] if ":" in compact else ""
                if scheme and "/" not in scheme and scheme not in URL_SCHEMES:
                    self.unsafe = True

    handle_startendtag = handle_starttag


def is_unsafe(text: str) -> bool:
    """True when ``text`` carries scripts, event handlers, embedded objects or links to
    anything but http(s), mail and phone, as raw HTML or as Markdown links."""
    raw = md.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    inspector = _Inspector()
    inspector.feed(raw)
    inspector.close()
    return inspector.unsafe


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def literal(text: str) -> str:
    """``text`` (a person's words: a vote's resolution, an event's title) as Markdown that
    shows exactly those characters: nothing in it becomes a link, a tag or formatting (lines
    lose their indent, which would make a code block). For callers of ``announce`` that quote
    people's text in a notice's body."""
    lines = "\n".join(line.strip() for line in (text or "").splitlines())
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", lines)
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
