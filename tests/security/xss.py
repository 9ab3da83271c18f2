"""A corpus of cross-site-scripting payloads and a checker for rendered output.

The corpus combines classic vectors (script tags, event handlers, javascript: URLs, SVG and
MathML tricks, attribute and tag break-outs, encodings, Markdown links) with variations of
case and quoting, so that well over 200 distinct strings reach every place where people's
text is shown.

The checker parses HTML and reports anything that could run: an element that executes
(script without src, iframe, object, embed, base, frame…), any on*= attribute, a URL attribute
with a javascript:, vbscript: or data:text/html scheme, or a meta refresh. Our templates
contain none of these (tests/test_security_headers.py), so any found came from a payload.
"""

import html
import re
from html.parser import HTMLParser

_BASE = [
    "<script>alert(1)</script>",
    "<script src=//evil.example/x.js></script>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" onerror=\"alert(document.cookie)\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<a href=javascript:alert(1)>click</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">tab</a>",
    "<a href=\"&#106;avascript:alert(1)\">entity</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
    "<a href=\"vbscript:msgbox(1)\">vb</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<div style=\"background:url(javascript:alert(1))\">",
    "<base href=\"javascript:alert(1)//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<form action=javascript:alert(1)><button>go</button></form>",
    "<button formaction=javascript:alert(1)>go</button>",
    "<isindex action=javascript:alert(1) type=submit>",
    "<link rel=import href=//evil.example>",
    "<style>@import 'javascript:alert(1)';</style>",
    "\"><script>alert(1)</script>",
    "'><script>alert(1)</script>",
    "\" onmouseover=\"alert(1)",
    "' onmouseover='alert(1)",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<!--<img src=--><img src=x onerror=alert(1)//>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=`x` onerror=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](  javascript:alert(1)  )",
    "![img](x\" onerror=\"alert(1))",
    "<javascript:alert(1)>",
    "{{7*7}}<script>alert(1)</script>",
    "${alert(1)}<img src=x onerror=alert(1)>",
    "javascript:/*--></title></style></textarea></script><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
    "<x onclick=alert(1)>click",
    "<a href=\" javascript:alert(1)\">space</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">case</a>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<template><img src=x onerror=alert(1)></template>",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "＜script＞alert(1)＜/script＞",
    "<script>alert('漏水')</script>",
]

_WRAPPERS = [
    "{}",
    "业主报修：{}",
    "{} 谢谢",
    "**{}**",
    "> {}",
]


def _cased(text: str) -> str:
    return re.sub(r"(?i)(script|onerror|onload|javascript|iframe|svg)",
                  lambda m: m.group(0).upper(), text)


def payloads() -> list[str]:
    seen: dict[str, None] = {}
    for base in _BASE:
        for wrapper in _WRAPPERS:
            seen[wrapper.format(base)] = None
        seen[_cased(base)] = None
    return list(seen)


_EXECUTING = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base"}
_URL_ATTRS = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc",
              "background", "poster", "codebase"}
_BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data\s*:\s*text/html)", re.I)


class _Finder(HTMLParser):
    def __init__(self, allowed_script_srcs: tuple[str, ...]):
        super().__init__(convert_charrefs=True)
        self.allowed = allowed_script_srcs
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            src = attributes.get("src") or ""
            kind = (attributes.get("type") or "").lower()
            if kind in ("application/json", "application/ld+json"):
                return
            if not src or not src.startswith(self.allowed):
                self.found.append(f"<script src={src!r}>")
            return
        if tag in _EXECUTING:
            self.found.append(f"<{tag}>")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.found.append("<meta refresh>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in _URL_ATTRS and value and _BAD_SCHEME.match(html.unescape(value)):
                self.found.append(f"<{tag} {name}={value[:40]!r}>")

    handle_startendtag = handle_starttag


def executable_parts(markup: str, allowed_script_srcs=("/static/",)) -> list[str]:
    """What in ``markup`` could run script; empty when nothing."""
    finder = _Finder(tuple(allowed_script_srcs))
    finder.feed(markup)
    finder.close()
    return finder.found
