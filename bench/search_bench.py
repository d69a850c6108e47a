"""Library search in English and Chinese at 10,000 and 100,000 songs in one workspace.

    .venv/bin/python bench/search_bench.py
    .venv/bin/python bench/search_bench.py --scales 10000 100000 --runs 15
    .venv/bin/python bench/search_bench.py --database-url postgres://postgres@127.0.0.1:5432/ps_x

PostgreSQL only. Seeds songs as bench/scale.py does (COPY, realistic lyrics), all of them in
one workspace, a third of them Chinese (Chinese titles and lyric sheets with 【主歌】 and
【副歌】, words run together as Chinese is written). Then times, in process with Django's test
client, the library's search for English and Chinese words: common, rare (a dozen songs),
absent (no song holds it), a prefix (English) or one character (Chinese), a word inside a
word, two words, a mixed search, and the "Best match" sort. Each figure is the median and
95th percentile of `--runs` requests after two warm ones, with this process's CPU time (the
request's Python), the server's execution time of its statements (EXPLAIN ANALYZE) and its
query count; none may scan the songs table sequentially. On a machine busy with other work
the wall clock waits for a core: read the CPU and server figures beside it.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale
from _common import bench_env, note, postgres_available, report, setup_django, throwaway_database

TARGET_MS = 50
CHINESE_EVERY = 3  # one song in this many is Chinese
RARE_ZH = "黄浦江"  # in RARE_SONGS Chinese songs, among the first ones, nowhere else
ZH_WORDS = [
    "月光",
    "夜晚",
    "城市",
    "爱情",
    "梦想",
    "星空",
    "霓虹灯",
    "回忆",
    "远方",
    "孤单",
    "温柔",
    "自由",
    "青春",
    "雨天",
    "街道",
    "海边",
    "心跳",
    "微笑",
    "眼泪",
    "风中",
    "天空",
    "时间",
    "故事",
    "永远",
    "离开",
    "等待",
    "拥抱",
    "黑夜",
    "黎明",
    "火车",
    "灯火",
    "夏天",
    "冬天",
    "河流",
    "花开",
    "歌声",
    "影子",
    "世界",
    "秘密",
    "未来",
    "寂寞",
    "燃烧",
    "飞翔",
    "晚风",
    "秋天",
    "老街",
    "咖啡",
    "电台",
]
ZH_FILLER = ["我", "你", "的", "在", "是", "了", "和", "我们", "一起", "不", "想", "还", "这", "那"]
ZH_PUNCT = ["", "，", "", "。"]  # noqa: RUF001 (Chinese punctuation)

QUERIES = {
    "en.common": "love",
    "en.rare": scale.RARE_WORD,
    "en.absent": "zyzzyva",
    "en.prefix": "synthw",
    "en.inside": "ynthwave",  # English words are found by their start: this finds nothing
    "en.two_words": "night fire",
    "zh.common": "月光",
    "zh.rare": RARE_ZH,
    "zh.absent": "饕餮",
    "zh.one_character": "梦",
    "zh.inside": "虹灯",  # inside 霓虹灯
    "zh.two_words": "城市 夜晚",
    "mixed": "月光 synth",
}
BEST = ("en.common", "en.rare", "zh.common", "zh.rare")


def zh_lines(rng, count: int) -> list[str]:
    lines = []
    for _ in range(count):
        picked = []
        for _ in range(rng.randint(3, 6)):
            word = ZH_WORDS[min(int(rng.paretovariate(1.1)) - 1, len(ZH_WORDS) - 1)]
            picked.append(word if rng.random() < 0.7 else rng.choice(ZH_FILLER))
        lines.append("".join(picked) + rng.choice(ZH_PUNCT))
    return lines


class Seeder(scale.Seeder):
    """scale.py's, every song in the one workspace, a third of them in Chinese."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.zh_pool = zh_lines(self.rng, 4_000)
        self.rare_zh = 0

    def _song(self, number: int, workspace, in_big: bool, job_id, text: str) -> dict:
        row = super()._song(number, workspace, in_big, job_id, text)
        if number % CHINESE_EVERY:
            return row
        rng, pool = self.rng, self.zh_pool
        parts = []
        for tag in ("【主歌】", "【副歌】", "【主歌】", "【副歌】", "【桥段】", "【副歌】"):
            parts.append(tag + "\n" + "\n".join(rng.choice(pool) for _ in range(rng.randint(4, 8))))
        if self.rare_zh < scale.RARE_SONGS and number % 50 == 9:
            parts.append(f"我在{RARE_ZH}边等你")
            self.rare_zh += 1
        title = rng.choice(ZH_WORDS) + rng.choice(ZH_WORDS) + f" {number}"
        return row | {"title": title, "lyrics": "\n\n".join(parts), "prompt": "华语流行, synth"}


def requests() -> dict[str, tuple[str, dict]]:
    wanted = {name: ("/", {"q": text}) for name, text in QUERIES.items()}
    for name in BEST:
        wanted[f"{name}.best"] = ("/", {"q": QUERIES[name], "sort": "best"})
    return wanted


def run(scales: list[int], runs: int) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", "--noinput", verbosity=0)
    scale.BIG_SHARE = 1  # every song in the one workspace
    owner, big, members, others = scale.setup_people()
    seeder = Seeder(big, members, others)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(owner)
    failed = False
    for total in scales:
        began = time.monotonic()
        seeder.add(total)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE studio_song")
        note(f"{total} songs in the workspace, seeded in {time.monotonic() - began:.0f} s")
        gc.collect()
        gc.freeze()
        for name, f in scale.measure(client, requests(), runs).items():
            report(f"search.{total}.{name}.median", f.median, "ms", f"<= {TARGET_MS}")
            report(f"search.{total}.{name}.p95", f.p95, "ms", "-")
            report(f"search.{total}.{name}.cpu", f.cpu, "ms", "-")
            report(f"search.{total}.{name}.db", f.db, "ms", "-")
            report(f"search.{total}.{name}.queries", f.queries, "queries", "-")
            if f.scans:
                note(f"{name}: sequential scan of {', '.join(sorted(set(f.scans)))}")
                failed = failed or total == max(scales)
            failed = failed or (total == max(scales) and f.median > TARGET_MS)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database-url", help="an existing database to use and keep (emptied)")
    args = parser.parse_args()
    scales = sorted(args.scales)
    reason = postgres_available()
    if reason:
        print(f"search.skipped 1 bool (PostgreSQL only: {reason})", flush=True)
        return 0
    extra = {"ALLOWED_HOSTS": "127.0.0.1,testserver", "TESTING": "true"}
    if args.database_url:
        scale.reset(args.database_url)
        setup_django(bench_env(args.database_url, **extra))
        return run(scales, args.runs)
    with throwaway_database("search") as url:
        setup_django(bench_env(url, **extra))
        try:
            return run(scales, args.runs)
        finally:
            from django.db import connections

            connections.close_all()


if __name__ == "__main__":
    sys.exit(main())
