#!/usr/bin/env python3
"""Writes the Last.fm response bodies that are our own work (see SOURCES.md).

Real recordings whose source is not MIT- or Apache-licensed are not copied into this repository.
In their place this script writes bodies of the same shape, with the same quirks (string numbers,
`#text` keys, missing `mbid` keys, the 1970 "no bio" marker, a now-playing item beyond `perPage`,
compact and pretty-printed wire forms, error bodies with and without `links`), about made-up
artists, tracks and users. Deterministic: running it again rewrites the same bytes.

usage: python3 tests/data/lastfm/make_own_bodies.py   (from anywhere)
"""
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
RNG = random.Random(20261129)
IMG = "https://lastfm.freetls.fastly.net/i/u"
PLACEHOLDER = "2a96cbd8b46e442fc41c2b86b821562f"  # Last.fm's grey star, used when there is no art


def mbid():
    h = "%032x" % RNG.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def art():
    return "%032x" % RNG.getrandbits(128)


def plus(s):
    return s.replace(" ", "+")


def images(hash_, sizes=("small", "medium", "large", "extralarge"), size_first=False):
    dims = {"small": "34s", "medium": "64s", "large": "174s", "extralarge": "300x300",
            "mega": "300x300", "": "300x300"}
    out = []
    for s in sizes:
        url = f"{IMG}/{dims[s]}/{hash_}.png"
        out.append({"size": s, "#text": url} if size_first else {"#text": url, "size": s})
    return out


def tags(names):
    return {"tag": [{"name": n, "url": f"https://www.last.fm/tag/{plus(n)}"} for n in names]}


def write(name, body, style="pretty2"):
    if style == "compact":
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    elif style == "escaped":  # compact with `\/` escapes, as Last.fm's PHP encoder sends
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":")).replace("/", "\\/")
    elif style == "indent4":  # copied out of documentation: indented block, trailing newline
        text = "\n".join("    " + line for line in json.dumps(body, indent=2, ensure_ascii=False).splitlines())
    elif style == "tabs":
        text = "\t" + json.dumps(body, indent="\t", ensure_ascii=False).replace("\n", "\n\t")
    else:
        text = json.dumps(body, indent=2, ensure_ascii=False)
    (HERE / f"{name}.json").write_text(text + "\n", encoding="utf-8")


def error(code, message, links=None, first="error"):
    body = {"error": code, "message": message} if first == "error" else {"message": message, "error": code}
    if links is not None:
        body["links"] = links
    return body


# ---- errors ---------------------------------------------------------------------------------
write("any__error3-invalid-method", error(3, "Invalid Method - No method with that name in this package", []), "compact")
write("any__error26-api-key-suspended-403", error(26, "API Key Suspended - This application is not allowed to make "
      "requests to the web services", first="message"), "compact")
write("any__error29-rate-limit-exceeded", error(29, "Rate Limit Exceeded - This application has made too many requests "
      "in a short period. If this is your API key, see https://www.last.fm/api/tos#4.4 for information about raising "
      "the limit.", first="message"), "escaped")
write("artist.getInfo__error6-artist-not-found-404", error(6, "The artist you supplied could not be found", []), "indent4")
write("artist.getInfo__error6-artist-not-found-with-links", error(6, "The artist you supplied could not be found", []),
      "compact")
write("track.getInfo__error6-track-not-found", error(6, "Track not found", []), "compact")
write("user.getLovedTracks__error6-user-not-found-404", error(6, "User not found"), "indent4")
write("user.getRecentTracks__error6-user-not-found-404", error(6, "User not found"), "indent4")
write("user.getRecentTracks__error6-user-not-found-compact", error(6, "User not found", first="message"), "compact")
write("user.getRecentTracks__error17-login-required", error(17, "Login: User required to be logged in", first="message"))
write("user.getRecentTracks__error17-hidden-history-403", error(17, "Login: User required to be logged in"), "indent4")

# ---- track.getInfo --------------------------------------------------------------------------
ARTIST, TRACK, ALBUM = "Marble Coast", "Tidal Lines", "Lanterns Over Water (Live)"
ARTIST_MBID, TRACK_MBID, ALBUM_MBID, COVER = mbid(), mbid(), mbid(), art()
WIKI_SUMMARY = (f"\"{TRACK}\" is the opening song of {ARTIST}'s imaginary second record, written for this test suite. "
                f"<a href=\"https://www.last.fm/music/{plus(ARTIST)}/_/{plus(TRACK)}\">Read more on Last.fm</a>.")
WIKI_CONTENT = (f"\"{TRACK}\" is the opening song of {ARTIST}'s imaginary second record, written for this test suite.\n\n"
                "It exists only so that a decoder meets a long wiki text with paragraphs, quotes & entities. "
                f"<a href=\"https://www.last.fm/music/{plus(ARTIST)}/_/{plus(TRACK)}\">Read more on Last.fm</a>. "
                "User-contributed text is available under the Creative Commons By-SA License; additional terms may apply.")


def track_info(with_user):
    t = {
        "name": TRACK, "mbid": TRACK_MBID,
        "url": f"https://www.last.fm/music/{plus(ARTIST)}/_/{plus(TRACK)}",
        "duration": "243000", "streamable": {"#text": "0", "fulltrack": "0"},
        "listeners": "482113", "playcount": "3907251",
        "artist": {"name": ARTIST, "mbid": ARTIST_MBID, "url": f"https://www.last.fm/music/{plus(ARTIST)}"},
        "album": {"artist": ARTIST, "title": ALBUM, "mbid": ALBUM_MBID,
                  "url": f"https://www.last.fm/music/{plus(ARTIST)}/{plus(ALBUM)}",
                  "image": images(COVER), "@attr": {"position": "1"}},
    }
    if with_user:
        t["userplaycount"] = "12"
        t["userloved"] = "1"
    t["toptags"] = tags(["dream pop", "indie", ARTIST, "shoegaze", "female vocalists"])
    t["wiki"] = {"published": "02 Mar 2011, 09:14", "summary": WIKI_SUMMARY, "content": WIKI_CONTENT}
    return {"track": t}


write("track.getInfo__marble-coast-tidal-lines", track_info(False), "indent4")
write("track.getInfo__marble-coast-tidal-lines-with-username", track_info(True), "indent4")
write("track.getInfo__nonexistent-track-stub-200", {"track": {
    "name": "Fake Track", "url": "https://www.last.fm/music/Fake+Artist/_/Fake+Track", "duration": "0",
    "streamable": {"#text": "0", "fulltrack": "0"}, "listeners": "3", "playcount": "5",
    "artist": {"name": "Fake Artist", "url": "https://www.last.fm/music/Fake+Artist"}, "toptags": {"tag": []}}},
    "indent4")

# ---- searches and empty lists ----------------------------------------------------------------
write("track.search__no-results", {"results": {
    "opensearch:Query": {"#text": "", "role": "request", "startPage": "1"},
    "opensearch:totalResults": "0", "opensearch:startIndex": "0", "opensearch:itemsPerPage": "30",
    "trackmatches": {"track": []}, "@attr": {}}}, "indent4")
write("track.getSimilar__nonexistent-empty-result",
      {"similartracks": {"track": [], "@attr": {"artist": "Fake Artist"}}}, "indent4")
write("tag.getTopTracks__nonexistent-tag-empty", {"tracks": {"track": [], "@attr": {
    "tag": "nosuchtagatall", "page": "1", "perPage": "50", "totalPages": "0", "total": "0"}}}, "indent4")
write("artist.search__no-results", {"results": {
    "opensearch:Query": {"#text": "", "role": "request", "searchTerms": "qwxzjvartistnotthere", "startPage": "1"},
    "opensearch:totalResults": "0", "opensearch:startIndex": "0", "opensearch:itemsPerPage": "30",
    "artistmatches": {"artist": []}, "@attr": {"for": "qwxzjvartistnotthere"}}}, "indent4")


def artist_match(name, listeners, with_mbid=True):
    return {"name": name, "listeners": str(listeners), "mbid": mbid() if with_mbid else "",
            "url": f"https://www.last.fm/music/{plus(name)}", "streamable": "0",
            "image": images(PLACEHOLDER, ("small", "medium", "large", "extralarge", "mega"))}


def artist_search(query, names, total, per_page):
    return {"results": {
        "opensearch:Query": {"#text": "", "role": "request", "searchTerms": query, "startPage": "1"},
        "opensearch:totalResults": str(total), "opensearch:startIndex": "0", "opensearch:itemsPerPage": str(per_page),
        "artistmatches": {"artist": [artist_match(n, 900000 // (i + 1), i % 3 != 2) for i, n in enumerate(names)]},
        "@attr": {"for": query}}}


# Trimmed like a documentation example: itemsPerPage 30, one artist listed.
write("artist.search__glass-harbour-trimmed", artist_search("glass harbour", ["Glass Harbour"], 2113, 30), "indent4")
write("artist.search__velvet-moth-limit12", artist_search("velvet moth", [
    "Velvet Moth", "Velvet Moth - Ana & Bo", "The Velvet Moths", "Velvet Moth Orchestra", "Velvetmoth",
    "Velvet Moth & Friends", "DJ Velvet Moth", "Velvet Moth (KR)", "Velvet Mothers", "Moth Velvet",
    "Velvet Moth feat. Rain", "Velvet Móth"], 4120, 12))

# ---- artist.getInfo -------------------------------------------------------------------------


def artist_info(name, listeners, playcount, bio, similar, tag_names, url_name=None, user_playcount=None):
    url_name = url_name or plus(name)
    stats = {"listeners": str(listeners), "playcount": str(playcount)}
    if user_playcount is not None:
        stats["userplaycount"] = str(user_playcount)
    six = ("small", "medium", "large", "extralarge", "mega", "")
    return {"artist": {
        "name": name, "mbid": mbid(), "url": f"https://www.last.fm/music/{url_name}",
        "image": images(PLACEHOLDER, six), "streamable": "0", "ontour": "0", "stats": stats,
        "similar": {"artist": [{"name": s, "url": f"https://www.last.fm/music/{plus(s)}",
                                "image": images(PLACEHOLDER, six)} for s in similar]},
        "tags": tags(tag_names),
        "bio": {"links": {"link": {"#text": "", "rel": "original", "href": f"https://last.fm/music/{url_name}/+wiki"}},
                **bio}}}


def bio(published, text):
    more = " <a href=\"https://www.last.fm/music/x\">Read more on Last.fm</a>"
    return {"published": published, "summary": text + more,
            "content": text + more + ". User-contributed text is available under the Creative Commons By-SA License;"
                                     " additional terms may apply."}


write("artist.getInfo__glass-harbour-lang-pt", artist_info(
    "Glass Harbour", 2481337, 98017734,
    bio("11 Mar 2007, 18:02", "Glass Harbour é uma banda imaginária, criada para os testes deste projeto."),
    ["Marble Coast", "Velvet Moth", "North Pier", "Saltwater Choir", "Low Tide Radio"],
    ["rock", "irish", "alternative", "80s", "pop rock"]), "compact")
write("artist.getInfo__north-pier-with-username", artist_info(
    "North Pier", 1203344, 88123451,
    bio("20 Feb 2012, 14:07", "North Pier is a made-up act (born 1992 in a test file) with a long biography."),
    ["Saltwater Choir", "Low Tide Radio", "Glass Harbour", "Marble Coast", "Velvet Moth"],
    ["rnb", "electronic", "pop", "alternative rnb", "canadian"], user_playcount=4312), "indent4")
no_bio = artist_info("Sereia Urbana", 511842, 30011987, {}, [
    "Renata Sol", "Engenhos do Mar", "Os Faróis", "Capital Rio", "Barão Azul"],
    ["rock", "brazilian rock", "mpb", "rock nacional", "80s"], url_name="+noredirect/Sereia+Urbana")
no_bio["artist"]["bio"].update({
    "published": "01 Jan 1970, 00:00",
    "summary": " <a href=\"https://www.last.fm/music/+noredirect/Sereia+Urbana\">Read more on Last.fm</a>",
    "content": ""})
write("artist.getInfo__sereia-urbana-no-bio-in-requested-lang", no_bio, "compact")
write("artist.getInfo__unknown-placeholder-artist", artist_info(
    "[unknown]", 2612094, 129844101,
    bio("10 Feb 2006, 20:25", "[unknown] is the placeholder artist name used where nobody knows the artist."),
    [], ["mysterious", "mistagged artist", "unknown", "seen live", "various"], url_name="%5Bunknown%5D"), "compact")

# ---- artist.getSimilar ----------------------------------------------------------------------
write("artist.getSimilar__glass-harbour-limit2", {"similarartists": {"artist": [
    {"name": n, "mbid": mbid(), "match": m, "url": f"https://www.last.fm/music/{plus(n)}",
     "image": images(PLACEHOLDER, ("small", "medium", "large", "extralarge", "mega", "")), "streamable": "0"}
    for n, m in [("Harbour Ghosts", "1"), ("Low Tide Radio", "0.482117")]], "@attr": {"artist": "Glass Harbour"}}},
    "compact")
write("artist.getSimilar__unknown-placeholder-artist-empty",
      {"similarartists": {"artist": [], "@attr": {"artist": "[unknown]"}}}, "compact")

# ---- artist.getTopTracks --------------------------------------------------------------------


def top_tracks(artist, artist_mbid, titles, total, with_mbid):
    items = []
    for i, title in enumerate(titles):
        t = {"name": title, "playcount": str(2_000_000 // (i + 1)), "listeners": str(400_000 // (i + 1))}
        if with_mbid(i):
            t["mbid"] = mbid()
        t.update({"url": f"https://www.last.fm/music/{plus(artist)}/_/{plus(title)}", "streamable": "0",
                  "artist": {"name": artist, "mbid": artist_mbid, "url": f"https://www.last.fm/music/{plus(artist)}"},
                  "image": images(PLACEHOLDER), "@attr": {"rank": str(i + 1)}})
        items.append(t)
    per_page = len(titles)
    return {"toptracks": {"track": items, "@attr": {
        "artist": artist, "page": "1", "perPage": str(per_page),
        "totalPages": str(-(-total // per_page)), "total": str(total)}}}


write("artist.getTopTracks__glass-harbour-limit2",
      top_tracks("Glass Harbour", mbid(), ["Bright Morning", "With or Without Rain"], 332100, lambda i: True), "compact")
# 50 items, 11 of them with no `mbid` key at all.
no_key = {4, 5, 16, 30, 35, 39, 42, 44, 45, 47, 49}
write("artist.getTopTracks__low-tide-radio-50-missing-some-mbid-keys",
      top_tracks("Low Tide Radio", mbid(), [f"Signal {i + 1}" for i in range(50)], 21400, lambda i: i not in no_key),
      "tabs")
# 50 items, 48 of them with no `mbid` key.
write("artist.getTopTracks__unknown-placeholder-artist-missing-mbid-keys",
      top_tracks("[unknown]", mbid(), [f"Track {i + 1:02d}" for i in range(50)], 13508000, lambda i: i in (7, 23)),
      "compact")

# ---- user.* ---------------------------------------------------------------------------------
SONGS = [("Marble Coast", "Tidal Lines", "Lanterns Over Water"), ("Glass Harbour", "Bright Morning", "Pier Songs"),
         ("Velvet Moth", "Paper Wings", "Night Market"), ("North Pier", "Blue Static", "Signals"),
         ("Sereia Urbana", "Tempo Perdido", "Dois"), ("Low Tide Radio", "Signal 7", "Frequencies")]


def recent(i, now_playing=False, extended=False, uts=1700000000, size_first=True, empty_mbids=False):
    artist, title, album = SONGS[i % len(SONGS)]
    cover = art()
    t = {}
    if now_playing:
        t["@attr"] = {"nowplaying": "true"}
    if extended:
        t["artist"] = {"url": f"https://www.last.fm/music/{plus(artist)}", "mbid": "",
                       "image": images(PLACEHOLDER, size_first=True), "name": artist}
    else:
        t["artist"] = {"mbid": "" if empty_mbids else mbid(), "#text": artist}
    t.update({"streamable": "0", "image": images(cover, size_first=size_first), "mbid": "" if empty_mbids else mbid(),
              "album": {"mbid": "" if empty_mbids else mbid(), "#text": album}, "name": f"{title}" if i < 6 else
              f"{title} ({i})", "url": f"https://www.last.fm/music/{plus(artist)}/_/{plus(title)}"})
    if extended:
        t["loved"] = "1" if i % 4 == 0 else "0"
    if not now_playing:
        ts = uts - 240 * i
        t["date"] = {"uts": str(ts), "#text": "14 Nov 2023, 22:13"}
    return t


def recent_tracks(user, items, total, per_page, attr_first=False, style="pretty2"):
    attr = {"user": user, "totalPages": str(-(-total // per_page)), "page": "1", "perPage": str(per_page),
            "total": str(total)}
    body = {"recenttracks": ({"@attr": attr, "track": items} if attr_first else {"track": items, "@attr": attr})}
    return body


write("user.getRecentTracks__quietlistener-limit50-2024",
      recent_tracks("quietlistener", [recent(i, uts=1709251200) for i in range(50)], 1254, 50, style="escaped"),
      "escaped")
write("user.getRecentTracks__nightowl-nowplaying-51-items",
      recent_tracks("nightowl", [recent(0, now_playing=True, size_first=False, empty_mbids=True)] +
                    [recent(i, uts=1526443713, size_first=False, empty_mbids=(i % 2 == 0)) for i in range(1, 51)],
                    118672, 50), "compact")
write("user.getRecentTracks__testuser-limit1",
      recent_tracks("test_user", [recent(0, uts=1603188238)], 94618, 1, attr_first=True), "indent4")
write("user.getRecentTracks__testuser-limit1-extended-nowplaying",
      recent_tracks("test_user", [recent(0, now_playing=True, extended=True),
                                  recent(1, extended=True, uts=1603186824)], 94613, 1, attr_first=True), "indent4")
write("user.getLovedTracks__testuser-limit1", {"lovedtracks": {
    "@attr": {"page": "1", "total": "7790", "user": "test_user", "perPage": "1", "totalPages": "7790"},
    "track": [{"artist": {"url": "https://www.last.fm/music/Velvet+Moth", "name": "Velvet Moth", "mbid": ""},
               "mbid": mbid(), "date": {"uts": "1603112664", "#text": "19 Oct 2020, 13:04"},
               "url": "https://www.last.fm/music/Velvet+Moth/_/Paper+Wings", "image": images(PLACEHOLDER, size_first=True),
               "name": "Paper Wings", "streamable": {"fulltrack": "0", "#text": "0"}}]}}, "indent4")
write("user.getWeeklyTrackChart__testuser-limit2", {"weeklytrackchart": {
    "@attr": {"user": "test_user", "from": "1602504000", "to": "1603108800"},
    "track": [{"artist": {"mbid": "", "#text": "North Pier"}, "@attr": {"rank": str(r)}, "mbid": mbid(),
               "url": f"https://www.last.fm/music/North+Pier/_/{plus(n)}",
               "image": images(PLACEHOLDER, ("small", "medium", "large"), size_first=True), "name": n,
               "playcount": p} for r, n, p in [(1, "Blue Static 'n Rain", "176"), (2, "Signals", "51")]]}}, "indent4")
print("wrote", len(list(HERE.glob("*.json"))), "files in", HERE)
