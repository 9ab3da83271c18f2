"""Markdown is rendered and sanitised every time; unsafe text is refused when saved."""

import re

import pytest

from notices.markdown import is_unsafe, to_html
from notices.models import Notice
from notices.services import NoticeError

XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"  javascript:alert(1)\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    "<div onmouseover=\"alert(1)\">hover</div>",
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<video><source onerror=\"alert(1)\"></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<a href=\"java\nscript:alert(1)\">x</a>",
    "<b onclick=alert(1)>bold</b>",
    "<template><script>alert(1)</script></template>",
]

DANGER = re.compile(r"<script|<iframe|<svg|<object|<embed|<style|<img|<form|<input|<meta|"
                    r"<link|<base|\son\w+\s*=|javascript:|vbscript:|data:text", re.I)


def test_corpus_is_big_enough():
    assert len(XSS) >= 30


@pytest.mark.parametrize("payload", XSS)
def test_rendered_html_is_always_safe(payload):
    html = to_html(payload)
    assert not DANGER.search(html), html


@pytest.mark.parametrize("payload", XSS)
def test_unsafe_text_is_refused_and_nothing_saved(board, payload):
    assert is_unsafe(payload)
    with pytest.raises(NoticeError) as error:
        board.draft(body=payload)
    assert "body" in error.value.error_dict
    assert not Notice.objects.exists()


def test_ordinary_markdown_survives():
    text = "# Water\n\n**Off** from 9:00.\n\n- one\n- two\n\n[Map](https://example.com/map)"
    assert not is_unsafe(text)
    html = to_html(text)
    assert "<strong>Off</strong>" in html and "<li>one</li>" in html
    assert 'href="https://example.com/map"' in html and "noopener" in html
