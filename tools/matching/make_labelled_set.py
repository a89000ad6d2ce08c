#!/usr/bin/env python3
"""Writes tests/data/matching/labelled.csv: messy real-world-style (line, candidate) pairs, each
labelled same track or not. Written once, before the matcher was tuned; every third pair
(id % 3 == 0) is the frozen test part that tuning never looks at. Deterministic (seeded).

Run: python3 tools/matching/make_labelled_set.py
"""
import csv
import os
import random

rng = random.Random(20261129)

# (artist, title, duration in seconds): real tracks, as Last.fm spells them.
TRACKS = [
    ("The Beatles", "Let It Be", 243), ("The Beatles", "Here Comes the Sun", 185),
    ("Queen", "Bohemian Rhapsody", 354), ("Queen", "Don't Stop Me Now", 209),
    ("David Bowie", "Heroes", 371), ("David Bowie", "Life on Mars?", 235),
    ("Fleetwood Mac", "Dreams", 257), ("Fleetwood Mac", "The Chain", 270),
    ("Radiohead", "Karma Police", 264), ("Radiohead", "No Surprises", 229),
    ("Nirvana", "Smells Like Teen Spirit", 301), ("Nirvana", "Come as You Are", 219),
    ("Beyoncé", "Halo", 261), ("Beyoncé", "Crazy in Love", 236),
    ("Daft Punk", "Get Lucky", 369), ("Daft Punk", "One More Time", 320),
    ("Björk", "Army of Me", 234), ("Björk", "Jóga", 305),
    ("Sigur Rós", "Hoppípolla", 268), ("Mötley Crüe", "Kickstart My Heart", 282),
    ("Simon & Garfunkel", "The Sound of Silence", 185), ("Simon & Garfunkel", "Mrs. Robinson", 244),
    ("Earth, Wind & Fire", "September", 215), ("Hall & Oates", "You Make My Dreams", 190),
    ("Outkast", "Hey Ya!", 250), ("Outkast", "Ms. Jackson", 270),
    ("Blue Öyster Cult", "(Don't Fear) The Reaper", 308), ("AC/DC", "Back in Black", 255),
    ("Guns N' Roses", "Sweet Child O' Mine", 356), ("Guns N' Roses", "November Rain", 537),
    ("The Rolling Stones", "Paint It Black", 202), ("The Rolling Stones", "Gimme Shelter", 271),
    ("The Killers", "Mr. Brightside", 222), ("The White Stripes", "Seven Nation Army", 232),
    ("Arctic Monkeys", "Do I Wanna Know?", 272), ("Arctic Monkeys", "505", 253),
    ("Adele", "Rolling in the Deep", 228), ("Adele", "Someone Like You", 285),
    ("Michael Jackson", "Billie Jean", 294), ("Michael Jackson", "Smooth Criminal", 258),
    ("Prince", "Purple Rain", 521), ("Whitney Houston", "I Wanna Dance with Somebody (Who Loves Me)", 291),
    ("Kate Bush", "Running Up That Hill (A Deal with God)", 300), ("Tears for Fears", "Everybody Wants to Rule the World", 251),
    ("a-ha", "Take On Me", 225), ("Depeche Mode", "Enjoy the Silence", 261),
    ("The Cure", "Just Like Heaven", 212), ("Joy Division", "Love Will Tear Us Apart", 205),
    ("New Order", "Blue Monday", 448), ("Pixies", "Where Is My Mind?", 229),
    ("Oasis", "Wonderwall", 258), ("Oasis", "Don't Look Back in Anger", 289),
    ("Coldplay", "Yellow", 269), ("Coldplay", "The Scientist", 309),
    ("Mark Ronson", "Uptown Funk", 270), ("Pharrell Williams", "Happy", 233),
    ("Rihanna", "Umbrella", 275), ("Lady Gaga", "Bad Romance", 294),
    ("Amy Winehouse", "Back to Black", 241), ("Amy Winehouse", "Rehab", 214),
    ("Leonard Cohen", "Hallelujah", 278), ("Nine Inch Nails", "Hurt", 373),
    ("Dolly Parton", "Jolene", 162), ("Johnny Cash", "Ring of Fire", 157),
    ("Kino", "Gruppa krovi", 286), ("Zemfira", "Iskala", 232),
    ("Leningrad", "Exponat", 203), ("Mumiy Troll", "Vladivostok 2000", 164),
    ("Édith Piaf", "Non, je ne regrette rien", 142), ("Céline Dion", "My Heart Will Go On", 280),
    ("Sinéad O'Connor", "Nothing Compares 2 U", 310), ("Motörhead", "Ace of Spades", 169),
    ("Bob Marley & The Wailers", "Redemption Song", 227), ("Bob Marley & The Wailers", "Is This Love", 232),
    ("Eminem", "Lose Yourself", 326), ("Kendrick Lamar", "HUMBLE.", 177),
    ("Tame Impala", "The Less I Know the Better", 216), ("Lorde", "Royals", 190),
    ("Massive Attack", "Teardrop", 330), ("Portishead", "Glory Box", 306),
]
# Native-script spellings a file from another service may carry.
NATIVE = {"Kino": "Кино", "Zemfira": "Земфира", "Leningrad": "Ленинград", "Mumiy Troll": "Мумий Тролль",
          "Gruppa krovi": "Группа крови", "Iskala": "Искала", "Exponat": "Экспонат"}
FEATURES = {("Mark Ronson", "Uptown Funk"): "Bruno Mars", ("Daft Punk", "Get Lucky"): "Pharrell Williams",
            ("Beyoncé", "Crazy in Love"): "Jay-Z", ("Rihanna", "Umbrella"): "Jay-Z"}
# Covers: (covering artist, original artist, title).
COVERS = [("Johnny Cash", "Nine Inch Nails", "Hurt"), ("Jeff Buckley", "Leonard Cohen", "Hallelujah"),
          ("Disturbed", "Simon & Garfunkel", "The Sound of Silence"), ("Gary Jules", "Tears for Fears", "Mad World"),
          ("Weezer", "a-ha", "Take On Me"), ("Ryan Adams", "Oasis", "Wonderwall"),
          ("Whitney Houston", "Dolly Parton", "I Will Always Love You"), ("Placebo", "Kate Bush", "Running Up That Hill"),
          ("Postmodern Jukebox", "Radiohead", "Creep"), ("Lorde", "Tears for Fears", "Everybody Wants to Rule the World"),
          ("Halsey", "Fleetwood Mac", "Dreams"), ("The Gentlemen", "The Cure", "Just Like Heaven")]

def typo(s):
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    if len(letters) < 5:
        return s
    i = rng.choice(letters[1:-1])
    op = rng.choice(["swap", "drop", "double"])
    if op == "swap" and i + 1 < len(s):
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if op == "drop":
        return s[:i] + s[i + 1:]
    return s[:i] + s[i] + s[i:]

def strip_accents(s):
    import unicodedata
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))

POSITIVE = {
    "remaster": lambda a, t, d, f: (a, rng.choice([f"{t} - Remastered {rng.choice([2009, 2011, 2015, 2018])}",
                                                 f"{t} (Remastered)", f"{t} - {rng.choice([2001, 2011])} Remaster",
                                                 f"{t} [Remastered {rng.choice([2012, 2019])}]"]), d),
    "case_spacing": lambda a, t, d, f: (rng.choice([a.upper(), a.lower(), "  " + a + " "]), rng.choice([t.lower(), t.upper(), t.replace(" ", "  ")]), d),
    "diacritics": lambda a, t, d, f: (strip_accents(a), strip_accents(t), d),
    "typo": lambda a, t, d, f: ((typo(a), t, d) if rng.random() < 0.5 else (a, typo(t), d)),
    "the": lambda a, t, d, f: ((a[4:] + ", The") if a.startswith("The ") else ("The " + a), t, d),
    "and": lambda a, t, d, f: (a.replace(" & ", " and ") if "&" in a else a.replace(" and ", " & "), t.replace(" and ", " & ") if " and " in t else t, d),
    "radio_edit": lambda a, t, d, f: (a, rng.choice([f"{t} (Radio Edit)", f"{t} - Radio Edit", f"{t} [Single Version]", f"{t} - Single Version"]), d - rng.randint(0, 6)),
    "feature": lambda a, t, d, f: (a, f"{t} (feat. {f})", d) if f else (a, f"{t} (feat. Guest Star)", d),
    "feature_in_artist": lambda a, t, d, f: (f"{a} feat. {f}" if f else f"{a} ft. Guest Star", t, d),
    "from_soundtrack": lambda a, t, d, f: (a, f"{t} (From \"{rng.choice(['Stranger Things', 'Guardians of the Galaxy', 'Shrek', 'The Movie'])}\" Soundtrack)", d),
    "dash_separator": lambda a, t, d, f: (a, rng.choice([f"{t} – {rng.choice([2004, 2011])} Remaster", f"{t} — Mono", f"{t} - Mono Version"]), d),
    "no_duration": lambda a, t, d, f: (a, t, None),
    "native_script": lambda a, t, d, f: (NATIVE.get(a, a), NATIVE.get(t, t), d),
    "punctuation": lambda a, t, d, f: (a.replace("'", "’").replace(".", ""), t.replace("'", "").replace("?", "").replace("!", "").replace(".", ""), d),
    "duration_drift": lambda a, t, d, f: (a, t, d + rng.choice([-4, -2, 3, 5])),
}
NEGATIVE = {
    "live": lambda a, t, d: (a, rng.choice([f"{t} (Live)", f"{t} - Live at Wembley Stadium", f"{t} [Live at {rng.choice(['Glastonbury', 'the BBC', 'Reading 1992'])}]", f"{t} - Live"]), d + rng.randint(15, 90)),
    "acoustic": lambda a, t, d: (a, rng.choice([f"{t} (Acoustic)", f"{t} - Acoustic Version", f"{t} (MTV Unplugged)"]), d + rng.randint(-20, 30)),
    "karaoke": lambda a, t, d: (rng.choice(["Karaoke All Stars", "The Karaoke Channel", "Sing King", a]), rng.choice([f"{t} (Karaoke Version)", f"{t} (Originally Performed by {a})", f"{t} (In the Style of {a}) [Karaoke Version]"]), d),
    "instrumental": lambda a, t, d: (a, rng.choice([f"{t} (Instrumental)", f"{t} - Instrumental"]), d),
    "remix": lambda a, t, d: (a, rng.choice([f"{t} (Remix)", f"{t} - {rng.choice(['Tiësto', 'Kygo', 'Purple Disco Machine'])} Remix", f"{t} (Extended Mix)", f"{t} (Club Mix)"]), d + rng.randint(30, 200)),
    "demo": lambda a, t, d: (a, rng.choice([f"{t} (Demo)", f"{t} - Demo Version", f"{t} (Alternate Take)"]), d + rng.randint(-30, 30)),
    "tribute": lambda a, t, d: (rng.choice([f"{a} Tribute Band", "The Tribute Collective", "Vitamin String Quartet"]), rng.choice([t, f"{t} (Tribute)"]), d),
    "other_song_same_artist": None,  # filled below
    "same_title_other_artist": None,
}

rows = []
seen_lines = set()

def add(category, line, cand, same):
    key = (line[0].strip().lower(), line[1].strip().lower())
    if key in seen_lines:
        return False
    seen_lines.add(key)
    rows.append((category, line, cand, same))
    return True

by_artist = {}
for a, t, d in TRACKS:
    by_artist.setdefault(a, []).append((a, t, d))

for a, t, d in TRACKS:
    cand = (a, t, d * 1000)
    feat = FEATURES.get((a, t))
    pos = rng.sample(sorted(POSITIVE), 4)
    if a in NATIVE and "native_script" not in pos:
        pos[0] = "native_script"
    for name in pos:
        la, lt, ld = POSITIVE[name](a, t, d, feat)
        if (la, lt) == (a, t) and name not in ("no_duration", "duration_drift"):
            continue
        add(name, (la, lt, None if ld is None else ld * 1000), cand, 1)
    for name in rng.sample(["live", "acoustic", "karaoke", "instrumental", "remix", "demo", "tribute"], 2 if rng.random() < 0.3 else 1):
        la, lt, ld = NEGATIVE[name](a, t, d)
        add(name, (la, lt, ld * 1000), cand, 0)
    others = [x for x in by_artist[a] if x[1] != t]
    if others and rng.random() < 0.35:
        oa, ot, od = others[0]
        add("other_song_same_artist", (a, ot, od * 1000), cand, 0)

for cover_artist, original, title in COVERS:
    add("cover", (cover_artist, title, None), (original, title, 240000), 0)
    add("cover_reverse", (original, f"{title}", None), (cover_artist, title, 250000), 0)

# Same title, different artists (autocorrect picked the popular one).
for line, cand in [(("Daughter", "Youth"), ("Troye Sivan", "Youth")), (("Foals", "Spanish Sahara"), ("Foals", "My Number")),
                   (("Lykke Li", "I Follow Rivers"), ("The Magician", "I Follow Rivers")),
                   (("Sia", "Chandelier"), ("Chandelier", "Sia")), (("Muse", "Madness"), ("Muse", "Uprising")),
                   (("Haim", "The Wire"), ("Haim", "Want You Back")), (("Bastille", "Pompeii"), ("Bastille", "Happier")),
                   (("Evanescence", "Bring Me to Life"), ("Linkin Park", "Numb")), (("Lana Del Rey", "Video Games"), ("Lana Del Rey", "Young and Beautiful")),
                   (("The Weeknd", "Blinding Lights"), ("The Weeknd", "Save Your Tears")), (("Gotye", "Somebody That I Used to Know"), ("Gotye", "Eyes Wide Open"))]:
    add("same_title_other_artist" if line[1] == cand[1] else "other_song", (line[0], line[1], None), (cand[0], cand[1], 230000), 0)

out = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "data", "matching", "labelled.csv")
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "part", "category", "line_artist", "line_title", "line_duration_ms",
                "candidate_artist", "candidate_title", "candidate_duration_ms", "same"])
    for i, (category, line, cand, same) in enumerate(rows, start=1):
        w.writerow([i, "test" if i % 3 == 0 else "tune", category, line[0], line[1],
                    "" if line[2] is None else line[2], cand[0], cand[1], cand[2], same])
print(f"{len(rows)} pairs ({sum(r[3] for r in rows)} same) -> {os.path.normpath(out)}")
