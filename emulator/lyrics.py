"""A small lyricist: structured lyrics ([Verse], [Chorus] ...) on a prompt's theme, in
Chinese for a Chinese prompt (Chinese lines under the same markers, which the music models
read in any language), in English otherwise.

Deterministic: the same prompt always gives the same title and words.
"""

from __future__ import annotations

import hashlib
import random
import re

# Theme word -> images the lines are built from (the first is also a title word).
THEMES: dict[str, tuple[str, ...]] = {
    "love": ("heart", "your hand in mine", "a promise", "the way you smile", "forever"),
    "night": ("midnight", "the city lights", "a silver moon", "the empty streets", "the stars"),
    "rain": ("rain", "grey skies", "the falling water", "a window pane", "the thunder"),
    "summer": ("summer", "the golden sun", "the long days", "the salty air", "the waves"),
    "road": ("highway", "the open road", "the engine's hum", "a thousand miles", "the dust"),
    "ocean": ("ocean", "the deep blue", "the tide", "the harbour lights", "the shore"),
    "city": ("city", "the neon signs", "the subway train", "the crowded street", "the skyline"),
    "dream": ("dreams", "the morning light", "a quiet sky", "the open door", "tomorrow"),
    "fire": ("fire", "the burning sky", "the embers", "a spark", "the flame"),
    "home": ("home", "the kitchen light", "the old front door", "the garden", "my mother's song"),
    "dance": ("dance floor", "the beat", "the flashing lights", "your body moving", "the bass"),
    "winter": ("winter", "the falling snow", "the frozen lake", "a cold wind", "the fireplace"),
    "heartbreak": ("goodbye", "the broken glass", "an empty room", "your last letter", "the tears"),
}
SYNONYMS: dict[str, str] = {
    "romance": "love",
    "romantic": "love",
    "kiss": "love",
    "moon": "night",
    "midnight": "night",
    "storm": "rain",
    "sad": "heartbreak",
    "breakup": "heartbreak",
    "lonely": "heartbreak",
    "beach": "summer",
    "sun": "summer",
    "sunny": "summer",
    "drive": "road",
    "driving": "road",
    "travel": "road",
    "sea": "ocean",
    "waves": "ocean",
    "urban": "city",
    "neon": "city",
    "sleep": "dream",
    "hope": "dream",
    "party": "dance",
    "club": "dance",
    "edm": "dance",
    "snow": "winter",
    "cold": "winter",
    "family": "home",
}
FEELINGS = ("alive", "free", "brave", "young", "lost", "found", "awake", "on fire")
VERBS = (
    "I keep chasing",
    "we were dancing in",
    "I still remember",
    "we ran through",
    "I hold on to",
)
HOOKS = (
    "Oh, {a} is calling me",
    "Take me back to {a}",
    "We'll be {f} tonight",
    "Hold on, hold on to {a}",
    "Never let it go",
)


# The same themes in Chinese: the first image is the title's word.
ZH_THEMES: dict[str, tuple[str, ...]] = {
    "love": ("爱情", "你的手心", "那句承诺", "你的笑容", "永远"),
    "night": ("午夜", "城市的灯火", "银色的月亮", "空荡的街道", "满天星光"),
    "rain": ("雨季", "灰色的天空", "落下的雨水", "窗上的雨滴", "远处的雷声"),
    "summer": ("夏天", "金色的阳光", "漫长的白昼", "咸咸的海风", "翻涌的浪花"),
    "road": ("公路", "无尽的远方", "引擎的轰鸣", "千里的路途", "扬起的尘土"),
    "ocean": ("大海", "深深的蓝", "涨落的潮水", "港口的灯光", "安静的海岸"),
    "city": ("城市", "闪烁的霓虹", "地铁的声响", "拥挤的街头", "高楼的天际线"),
    "dream": ("梦想", "清晨的光", "安静的天空", "敞开的门", "明天"),
    "fire": ("火焰", "燃烧的天空", "未熄的余烬", "一点火花", "跳动的火光"),
    "home": ("回家", "厨房的灯", "老旧的木门", "小小的花园", "妈妈的歌"),
    "dance": ("舞池", "跳动的鼓点", "闪烁的灯光", "摇摆的身影", "低音"),
    "winter": ("冬天", "飘落的雪花", "结冰的湖面", "寒冷的风", "温暖的炉火"),
    "heartbreak": ("告别", "破碎的玻璃", "空空的房间", "你最后的信", "眼泪"),
}
# Words of a Chinese prompt -> theme; the one written first wins.
ZH_WORDS: dict[str, str] = {
    "上海": "city",  # not the sea (海) it holds
    "北京": "city",
    "爱": "love",
    "恋": "love",
    "吻": "love",
    "夜": "night",
    "月": "night",
    "星": "night",
    "雨": "rain",
    "夏": "summer",
    "阳光": "summer",
    "路": "road",
    "旅": "road",
    "海": "ocean",
    "江": "ocean",
    "城": "city",
    "街": "city",
    "霓虹": "city",
    "梦": "dream",
    "希望": "dream",
    "火": "fire",
    "家": "home",
    "妈妈": "home",
    "舞": "dance",
    "派对": "dance",
    "冬": "winter",
    "雪": "winter",
    "分手": "heartbreak",
    "离别": "heartbreak",
    "伤心": "heartbreak",
    "孤单": "heartbreak",
}
ZH_FEELINGS = ("自由", "勇敢", "年轻", "迷茫", "清醒", "炽热")
ZH_VERBS = ("我一直追寻", "我还记得", "我们奔跑穿过", "我紧紧握住", "我们曾经走过")
ZH_HOOKS = (
    "{a}在呼唤我",
    "带我回到{a}",
    "今夜我感到{f}",
    "抓紧{a}不放手",
    "永远不要放手",
)
ZH_TITLES = ("{a}之歌", "今夜{a}", "又见{a}", "{a}不眠", "追逐{a}")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
KANA_HANGUL = re.compile(r"[\u3040-\u30ff\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


def is_chinese(text: str) -> bool:
    """Written in Chinese: Han characters, and no kana or Hangul (Japanese, Korean)."""
    return bool(HAN.search(text)) and not KANA_HANGUL.search(text)


def _rng(*parts: str) -> random.Random:
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def theme_of(prompt: str) -> str:
    found = [(prompt.find(word), theme) for word, theme in ZH_WORDS.items() if word in prompt]
    if found:
        return min(found)[1]
    words = re.findall(r"[a-z']+", prompt.lower())
    for word in words:
        # "nights", "rainy": a crude stem is enough for a theme.
        for form in (word, word.removesuffix("s"), word.removesuffix("y")):
            if form in THEMES:
                return form
            if form in SYNONYMS:
                return SYNONYMS[form]
    return sorted(THEMES)[int(hashlib.sha256(prompt.encode()).hexdigest(), 16) % len(THEMES)]


def _cap(line: str) -> str:
    return line[:1].upper() + line[1:]


def _sheet(sections: list[tuple[str, list[str]]]) -> str:
    return "\n\n".join("\n".join([name, *lines]) for name, lines in sections)


def _write_chinese(prompt: str) -> tuple[str, str]:
    images = ZH_THEMES[theme_of(prompt)]
    rng = _rng("lyrics", prompt)
    feeling = rng.choice(ZH_FEELINGS)

    def verse() -> list[str]:
        picks = rng.sample(images, 4)
        return [
            f"{rng.choice(ZH_VERBS)}{picks[0]}",
            f"眼里全是{picks[1]}",
            f"慢慢走过{picks[2]}",
            f"{picks[3]}一路跟着我",
        ]

    anchor = rng.choice(images[1:])
    hook = rng.choice(ZH_HOOKS).format(a=anchor, f=feeling)
    chorus = [hook, f"{anchor}，我感到{feeling}", hook, "直到天亮"]  # noqa: RUF001 (Chinese comma)
    bridge = [f"如果{images[0]}渐渐远去", f"我会一路走向{anchor}"]
    text = _sheet(
        [
            ("[Verse 1]", verse()),
            ("[Chorus]", chorus),
            ("[Verse 2]", verse()),
            ("[Chorus]", chorus),
            ("[Bridge]", bridge),
            ("[Chorus]", chorus),
        ]
    )
    return rng.choice(ZH_TITLES).format(a=images[0]), text


def write(prompt: str) -> tuple[str, str]:
    """(title, lyrics) on the prompt's theme, in the prompt's language (Chinese or English)."""
    if is_chinese(prompt):
        return _write_chinese(prompt)
    theme = theme_of(prompt)
    images = THEMES[theme]
    rng = _rng("lyrics", prompt)
    feeling = rng.choice(FEELINGS)

    def verse() -> list[str]:
        picks = rng.sample(images, 4)
        return [
            _cap(f"{rng.choice(VERBS)} {picks[0]}"),
            _cap(f"{picks[1]} is all I see"),
            _cap(f"walking slow through {picks[2]}"),
            _cap(f"and {picks[3]} follows me"),
        ]

    anchor = rng.choice(images[1:])
    hook = rng.choice(HOOKS).format(a=anchor, f=feeling)
    chorus = [hook, _cap(f"{anchor}, feeling {feeling}"), hook, "Until the morning comes"]
    bridge = [_cap(f"and if {images[0]} fades away"), f"I will find my way to {anchor}"]
    sections = [
        ("[Verse 1]", verse()),
        ("[Chorus]", chorus),
        ("[Verse 2]", verse()),
        ("[Chorus]", chorus),
        ("[Bridge]", bridge),
        ("[Chorus]", chorus),
    ]
    text = _sheet(sections)
    title = _cap(f"{images[0]} {rng.choice(('tonight', 'song', 'again', 'forever', 'calling'))}")
    return title.title(), text


def title_for(prompt: str, lyrics: str = "") -> str:
    """A short title from the prompt's first words, else the lyrics' first sung line; in the
    script they are written in (Chinese ones are not capitalised, and kept short: a Chinese
    phrase has no spaces to stop at)."""
    sung = (ln for ln in lyrics.splitlines() if not ln.strip().startswith(("[", "【")))
    for text in (prompt, *sung):
        words = re.findall(r"[\w']+", re.sub(r"\[[^\]]*\]|【[^】]*】", " ", text))
        if words and HAN.search(words[0]):
            return words[0][:16]  # a Chinese phrase: its first, up to a comma or a space
        if words:
            return " ".join(words[:4]).title()[:80]
    return "Untitled"
