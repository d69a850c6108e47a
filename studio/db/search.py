"""Library search: the songs whose title, prompt or lyrics hold every word searched for, each
word as the start of a word ("synthw" finds "synthwave"), in any case; in Chinese, Japanese
and Korean text, which needs no spaces between words, anywhere ("夜曲" finds "上海夜曲").

CJK text is indexed as its overlapping pairs of characters (`grams`: "上海夜曲" is written
"上海 海夜 夜曲 曲", the last character alone so that one character still finds it as a
prefix). A CJK word searched for is then the phrase of its pairs ("海夜曲" is
"海夜 <-> 夜曲"), and a single character the prefix of a pair. Its other letters stay words.

`matching(songs, text)` is the one function the views call to search, and `best_first` gives
the "Best match" sort its songs and their ranking key (None where the plain filter searches). The
way of searching is chosen once per database:

- PostgreSQL: a stored, generated `search` tsvector column on the songs table (title, prompt
  and lyrics, weighted in that order) with a GIN index, queried with a prefix tsquery;
- SQLite with FTS5: the `studio_song_fts` table, kept in step with the songs table by
  triggers, queried with prefix terms;
- otherwise the plain filter: every word contained in one of the three fields.

The hand-written SQL of the first two lives here and nowhere else; the plain filter is the
ORM's, and tests check that all three find the same songs. The columns, table and triggers
are made by migration 0010 (`install`), and again with the pairs by 0017; `install` runs
again after every migrate, because SQLite drops a table's triggers when a migration rebuilds
the table. The pairs are made by one function in each database, `studio_search_grams`: SQL
on PostgreSQL (the generated column's), on SQLite this module's `grams`, registered on every
connection (`register`).
"""

import re
from collections.abc import Callable

from django.db import OperationalError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

RANK_WINDOW = 200  # the "Best match" sort ranks this many of the newest matches
MAX_WORDS = 8  # more words than this in one search only narrow it; the rest are ignored
WORD = re.compile(r"\w+")
# Scripts written without spaces between words (and Hangul, whose words carry endings): Hangul
# Jamo, 々〆〇, kana, Bopomofo to compatibility Jamo, katakana extension, CJK ideographs
# (extension A, unified, compatibility), Hangul syllables, half-width katakana, and the
# ideographs beyond the BMP. The same class is written into PostgreSQL's function.
CJK_CLASS = (
    "\u1100-\u11ff\u3005-\u3007\u3040-\u30ff\u3105-\u318f\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0003134f"
)
CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
# A term is what one index entry (or phrase of entries) answers: a CJK run or other letters.
TERM = re.compile(f"[{CJK_CLASS}]+|[^{CJK_CLASS}]+")


def words(text: str) -> list[str]:
    """The terms of a search, lower-cased: its words, each split where CJK text starts or
    ends ("上海synth" is "上海" and "synth"); punctuation only separates them."""
    found = [term for word in WORD.findall(text.lower()) for term in TERM.findall(word)]
    return found[:MAX_WORDS]


def is_cjk(term: str) -> bool:
    return CJK_RUN.fullmatch(term) is not None


def _pairs(run: str) -> list[str]:
    """A CJK run's overlapping pairs of characters, its last character alone after them."""
    return [run[i : i + 2] for i in range(len(run))]


def grams(text: str | None) -> str | None:
    """`text` as it is indexed: each CJK run written as its pairs, spaced off from the rest."""
    if text is None:
        return None
    return CJK_RUN.sub(lambda run: " " + " ".join(_pairs(run[0])) + " ", text)


def _cjk_phrase(term: str) -> list[str]:
    """The index entries a CJK word is, in order: its pairs (one character: itself)."""
    return [term] if len(term) == 1 else _pairs(term)[:-1]


# --- The plain filter (any database) --------------------------------------------------------


def plain(songs: QuerySet, terms: list[str]) -> QuerySet:
    # A CJK term is found anywhere in the text, as the databases' own search finds it.
    for term in terms:
        songs = songs.filter(
            Q(title__icontains=term) | Q(prompt__icontains=term) | Q(lyrics__icontains=term)
        )
    return songs


# --- PostgreSQL: a generated tsvector column with a GIN index ------------------------------

# `grams` in SQL: the text cut into CJK runs and the rest, each run written as its pairs.
# IMMUTABLE, as a generated column's functions must be (it reads nothing but its argument).
_PG_CJK, _PG_OTHER = f"[{CJK_CLASS}]", f"[^{CJK_CLASS}]"
PG_GRAMS = f"""
CREATE OR REPLACE FUNCTION studio_search_grams(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT coalesce(string_agg(
    CASE WHEN m[1] IS NULL THEN m[2] ELSE ' ' || (
        SELECT string_agg(substr(m[1], i, 2), ' ' ORDER BY i)
        FROM generate_series(1, char_length(m[1])) AS i
    ) || ' ' END,
    '' ORDER BY n), '')
FROM regexp_matches(t, '({_PG_CJK}+)|({_PG_OTHER}+)', 'g') WITH ORDINALITY AS r(m, n)
$$
"""  # noqa: S608 (built from the constant class above, not from input)
# 'simple': no stemming and no stop words, so a prefix of any word finds it, as on SQLite.
PG_COLUMN = """
ALTER TABLE studio_song ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig, studio_search_grams(coalesce(title, ''))), 'A')
    || setweight(to_tsvector('simple'::regconfig, studio_search_grams(coalesce(prompt, ''))), 'B')
    || setweight(to_tsvector('simple'::regconfig, studio_search_grams(coalesce(lyrics, ''))), 'C')
) STORED
"""
# Searches are always within one workspace: one GIN index over both (btree_gin, a trusted
# extension, indexes the uuid). A rare word then costs a few index entries; with the words
# alone, PostgreSQL's fixed guess for prefix terms (0.5 % of rows) made it AND their index
# with the workspace's whole stretch of song_ws_created (bench/scale.py at 1M songs: 6.1 ms
# against 0.14 ms for the query). Common words still walk song_ws_created, newest first.
PG_INDEXES = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "CREATE INDEX IF NOT EXISTS song_ws_search ON studio_song USING gin (workspace_id, search)",
    "DROP INDEX IF EXISTS song_search",  # the words-only index it replaces
]
PG_DROP = [
    "DROP INDEX IF EXISTS song_ws_search",
    "DROP INDEX IF EXISTS song_search",
    "ALTER TABLE studio_song DROP COLUMN IF EXISTS search",
    "DROP FUNCTION IF EXISTS studio_search_grams(text)",
]


def _tsquery_term(term: str) -> str:
    if not is_cjk(term):
        return f"'{term}':*"
    phrase = _cjk_phrase(term)
    if len(phrase) == 1:  # one character: the pairs it starts and itself, as a prefix
        return f"'{phrase[0]}':*" if len(term) == 1 else f"'{phrase[0]}'"
    return "(" + " <-> ".join(f"'{pair}'" for pair in phrase) + ")"


def _tsquery(terms: list[str]) -> str:
    """The words as a tsquery, written into the statement as an SQL literal.

    Each word is \\w+ only, so quoted it is one tsquery term; :* makes it a prefix; a CJK
    word is the phrase of its pairs. It is a literal, not a parameter: a statement
    PostgreSQL has prepared is planned without its parameters, and a plan made without
    knowing the words picks the wrong index (seconds, not milliseconds, at a million songs).
    Doubling quotes keeps the literal closed even if the word pattern ever let one through.
    """
    query = " & ".join(_tsquery_term(term) for term in terms)
    return "'" + query.replace("'", "''") + "'"


def postgresql(songs: QuerySet, terms: list[str]) -> QuerySet:
    # A literal, not a parameter (see `_tsquery`): it holds \w+ words only, quotes doubled.
    hit = RawSQL(  # noqa: S611
        f"studio_song.search @@ to_tsquery('simple'::regconfig, {_tsquery(terms)})",
        [],
        output_field=BooleanField(),
    )
    return songs.filter(hit)


def postgresql_rank(terms: list[str]) -> RawSQL:
    # float8: the cursor carries the value, and a float4 would not compare equal to itself.
    query = f"to_tsquery('simple'::regconfig, {_tsquery(terms)})"
    return RawSQL(  # noqa: S611 (see `postgresql`)
        f"ts_rank(studio_song.search, {query})::float8",
        [],
        output_field=FloatField(),
    )


# --- SQLite: an FTS5 table kept in step by triggers -----------------------------------------

FTS_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS studio_song_fts USING fts5("
    "song_id UNINDEXED, title, prompt, lyrics, tokenize = 'unicode61 remove_diacritics 0')"
)
# Rows are keyed by the song's id, not SQLite's rowid: VACUUM may renumber a table's rowids.
_FTS_ADD = (
    "INSERT INTO studio_song_fts (song_id, title, prompt, lyrics) VALUES (new.id, "
    "studio_search_grams(new.title), studio_search_grams(new.prompt), "
    "studio_search_grams(new.lyrics));"
)
_FTS_REMOVE = "DELETE FROM studio_song_fts WHERE song_id = old.id;"
FTS_TRIGGERS = {
    "studio_song_fts_insert": f"AFTER INSERT ON studio_song BEGIN {_FTS_ADD} END",
    "studio_song_fts_delete": f"AFTER DELETE ON studio_song BEGIN {_FTS_REMOVE} END",
    "studio_song_fts_update": (
        "AFTER UPDATE OF title, prompt, lyrics ON studio_song "
        "WHEN old.title IS NOT new.title OR old.prompt IS NOT new.prompt "
        f"OR old.lyrics IS NOT new.lyrics BEGIN {_FTS_REMOVE} {_FTS_ADD} END"
    ),
}
FTS_FILL = [
    "DELETE FROM studio_song_fts",
    "INSERT INTO studio_song_fts (song_id, title, prompt, lyrics) SELECT id, "
    "studio_search_grams(title), studio_search_grams(prompt), studio_search_grams(lyrics) "
    "FROM studio_song",
]


def register(connection: BaseDatabaseWrapper) -> None:
    """Give a new SQLite connection the function its search triggers call (on every
    connection: a trigger runs in the one that writes the song)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("studio_search_grams", 1, grams, deterministic=True)


def _match_term(term: str) -> str:
    if not is_cjk(term) or len(term) == 1:
        return f'"{term}"*'
    return '"' + " ".join(_cjk_phrase(term)) + '"'  # a phrase: its pairs one after another


def _match(terms: list[str]) -> str:
    # Each word quoted (\w+ holds no quote), a trailing * for a prefix; spaces mean AND.
    return " ".join(_match_term(term) for term in terms)


def fts5(songs: QuerySet, terms: list[str]) -> QuerySet:
    hit = RawSQL(
        "studio_song.id IN (SELECT song_id FROM studio_song_fts WHERE studio_song_fts MATCH %s)",
        [_match(terms)],
        output_field=BooleanField(),
    )
    return songs.filter(hit)


def fts5_rank(terms: list[str]) -> RawSQL:
    # bm25 is lower for better matches; weighted as PostgreSQL's: title, prompt, lyrics.
    return RawSQL(
        "(SELECT -bm25(studio_song_fts, 0, 10, 4, 1) FROM studio_song_fts "
        "WHERE studio_song_fts MATCH %s AND song_id = studio_song.id)",
        [_match(terms)],
        output_field=FloatField(),
    )


# --- Installing, and choosing once per database ---------------------------------------------


def _sqlite_names(cursor, kind: str) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = %s", [kind])
    return {name for (name,) in cursor.fetchall()}


def install(connection: BaseDatabaseWrapper) -> None:
    """Make what the database's search needs, if missing (safe to run again)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_GRAMS)
            cursor.execute(PG_COLUMN)
            for statement in PG_INDEXES:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            if "studio_song" not in _sqlite_names(cursor, "table"):
                return
            try:
                cursor.execute(FTS_TABLE)
            except OperationalError:  # SQLite built without FTS5: the plain filter serves
                return
            present = _sqlite_names(cursor, "trigger")
            missing = [name for name in FTS_TRIGGERS if name not in present]
            for name in missing:
                cursor.execute(f"CREATE TRIGGER {name} {FTS_TRIGGERS[name]}")
            if missing:  # new, or the songs table was rebuilt: copy the text afresh
                for statement in FTS_FILL:
                    cursor.execute(statement)
    _chosen.pop(connection.alias, None)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in PG_DROP:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            for name in FTS_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute("DROP TABLE IF EXISTS studio_song_fts")
    _chosen.pop(connection.alias, None)


Search = Callable[[QuerySet, list[str]], QuerySet]
_chosen: dict[str, Search] = {}
RANKS: dict[Search, Callable[[list[str]], RawSQL]] = {
    postgresql: postgresql_rank,
    fts5: fts5_rank,
}


def chosen(alias: str) -> Search:
    """The way this database searches, decided on first use and kept."""
    if alias not in _chosen:
        connection = connections[alias]
        way: Search = plain
        if connection.vendor == "postgresql":
            way = postgresql
        elif connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                if "studio_song_fts" in _sqlite_names(cursor, "table"):
                    way = fts5
        _chosen[alias] = way
    return _chosen[alias]


def matching(songs: QuerySet, text: str) -> QuerySet:
    """The songs among `songs` that match every word of `text` (all of them without one)."""
    terms = words(text)
    if not terms:
        return songs
    return chosen(songs.db)(songs, terms)


def best_first(songs: QuerySet, text: str) -> tuple[QuerySet, RawSQL] | None:
    """For the "Best match" sort of what `text` finds among `songs` (not yet searched): the
    newest RANK_WINDOW matches and how well each matches, higher better; None without words
    or where the plain filter searches (it cannot rank; the caller then searches).

    Ranking reads every ranked song's words, so it is bounded: a common word matches most of
    a workspace, and ranking all of them would cost as much as the workspace is big. The
    window's songs are named by their keys alone, without the search again: with it,
    PostgreSQL may AND the keys with the search index's every match (47 ms for a word in a
    third of 100,000 songs, against 1 ms).
    """
    terms = words(text)
    rank = RANKS.get(chosen(songs.db))
    if not terms or rank is None:
        return None
    matches = chosen(songs.db)(songs, terms)
    # Read first, not as a subquery: the search's SQL names the songs table, which inside a
    # subquery would mean the outer query's row (every song then passes the window's test).
    newest = list(matches.order_by("-created_at", "-id").values_list("pk", flat=True)[:RANK_WINDOW])
    return songs.filter(pk__in=newest), rank(terms)
