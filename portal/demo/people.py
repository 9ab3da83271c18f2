"""Plausible Chinese names and mainland mobile numbers, drawn from a seeded generator."""

import random

# The most common surnames, roughly by frequency; the first ones come up more often.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
GIVEN_SINGLE = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚燕辉鹏华红玲飞浩凯斌宇欣琳颖婷"
GIVEN_DOUBLE = (
    "秀英", "秀兰", "桂英", "建华", "建国", "志强", "海燕", "丽华", "晓梅", "子涵", "雨桐",
    "浩然", "欣怡", "梓萱", "宇轩", "一诺", "俊杰", "文博", "淑珍", "玉兰", "国强", "德明",
    "春梅", "立新", "振华", "美玲", "思远", "佳怡", "嘉怡", "明轩", "雅琴", "红梅", "晓东",
)


def chinese_name(rng: random.Random, surname: str | None = None) -> str:
    if surname is None:
        # A triangular draw favours the common surnames at the front of the list.
        surname = SURNAMES[int(rng.triangular(0, len(SURNAMES), 0))]
    if rng.random() < 0.55:
        return surname + rng.choice(GIVEN_DOUBLE)
    return surname + rng.choice(GIVEN_SINGLE)


class PhoneBook:
    """Hands out distinct mobile numbers (+86 13x xxxx xxxx), never one reserved for a login."""

    def __init__(self, rng: random.Random, reserved: set[str] = frozenset()):
        self._rng = rng
        self._used = set(reserved)

    def next(self) -> str:
        while True:
            number = f"+8613{self._rng.randrange(10)}{self._rng.randrange(10**8):08d}"
            if number not in self._used:
                self._used.add(number)
                return number
