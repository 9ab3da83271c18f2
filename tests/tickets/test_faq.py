"""FAQ answers appear while an owner types: Chinese by character pairs, other text by words."""

import pytest
from django.urls import reverse
from django_scopes import scope

from tickets.faq import faq_match, tokens
from tickets.models import FaqEntry


def faq(org, question, answer, keywords="", **fields):
    return FaqEntry.objects.create(
        organization=org, question=question, answer=answer, keywords=keywords, **fields
    )


@pytest.fixture
def entries(desk):
    org = desk.w.org
    return {
        "leak": faq(org, "厨房水管漏水怎么办？", "请先关闭总阀，然后提交报修。", "漏水 水管 滴水"),
        "lift": faq(
            org, "电梯停运了怎么办？", "请拨打电梯内紧急电话，物业会在15分钟内到场。", "电梯 困人"
        ),
        "fee": faq(org, "物业费怎么缴纳？", "可以在服务中心或者手机上缴纳物业费。", "缴费 物业费"),
        "parking": faq(
            org, "How do I get a parking permit?",
            "Bring your car registration to the service desk; permits are ready in two days.",
            "car park, parking, vehicle",
        ),
        "noise": faq(
            org, "What are the quiet hours?",
            "Renovation noise is allowed on weekdays from 8:00 to 12:00 and 14:00 to 18:00.",
            "noise renovation drilling",
        ),
        "hidden": faq(
            org, "厨房漏水（草稿）", "未发布的回答", "漏水", is_published=False
        ),
    }


def test_chinese_is_cut_into_character_pairs_and_other_text_into_words():
    assert tokens("厨房漏水") == {"厨房", "房漏", "漏水"}
    assert tokens("The Kitchen TAP drips!") == {"kitchen", "tap", "drips"}
    # Pure filler goes: single letters, English stop words, Chinese particles.
    assert tokens("a the 的了") == set()
    assert tokens("电梯 lift 3") == {"电梯", "lift"}


def test_chinese_text_finds_the_matching_answers(desk, entries):
    found = faq_match(organization=desk.w.org, text="我家厨房的水管一直在滴水")
    assert found[0] == entries["leak"]
    assert entries["hidden"] not in found
    assert faq_match(organization=desk.w.org, text="电梯坏了，有人被困")[0] == entries["lift"]


def test_english_text_finds_the_matching_answers(desk, entries):
    found = faq_match(organization=desk.w.org, text="Where can I get a permit for my car?")
    assert found[0] == entries["parking"]
    found = faq_match(organization=desk.w.org, text="Neighbours drilling on Sunday")
    assert found == [entries["noise"]]


def test_at_most_three_answers_and_none_for_unrelated_text(desk, entries):
    for i in range(5):
        faq(desk.w.org, f"漏水问题{i}", "关闭阀门", "漏水")
    assert len(faq_match(organization=desk.w.org, text="漏水")) == 3
    assert faq_match(organization=desk.w.org, text="") == []
    assert faq_match(organization=desk.w.org, text="Happy birthday") == []


def test_another_organisations_faq_never_shows(world, clock, entries):
    with scope(organization=world.harbor.org):
        assert faq_match(organization=world.harbor.org, text="漏水 水管") == []


def test_suggestions_come_as_a_partial_while_typing(desk, entries, login):
    client = login(desk.w.owner)
    url = reverse("tickets:faq-suggest", args=["sunrise"])
    response = client.get(url, {"title": "水管漏水", "description": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "厨房水管漏水怎么办？" in html and "<html" not in html
    assert "未发布的回答" not in html
    empty = client.get(url, {"title": "zzz"})
    assert empty.status_code == 200 and empty.content.strip() == b""


def test_the_request_form_asks_for_suggestions_while_typing(desk, login):
    html = login(desk.w.owner).get(reverse("tickets:request-new", args=["sunrise"])).content
    html = html.decode()
    assert 'hx-get="/o/sunrise/requests/faq/"' in html
    assert 'hx-trigger="keyup changed delay:400ms"' in html
    assert 'id="faq-suggestions"' in html
