"""Generated posts for offline labs and load tests: plausible hashtags, places, authors and
languages, at --rate per second. With --seed the sequence of posts (ids, authors, texts,
tags, places, langs) is the same on every run; the timestamps are the wall clock."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator

from ..ratelimit import Pacer
from ..record import Record, normalize_tag, unique, utc_iso

PLACES = ["lima", "arequipa", "cusco", "trujillo", "bogota", "quito", "santiago", "madrid", "mexico", "buenosaires"]
LANGS = [("es", 0.6), ("en", 0.25), ("pt", 0.1), ("fr", 0.05)]
EXTRA_TAGS = ["salud", "vacunas", "peru", "noticias", "data", "aws", "bigdata", "kinesis", "lima", "clima"]
TEXTS = {
    "es": [
        "Nuevo reporte de casos en {place} esta mañana",
        "Hoy en {place}: colas en el centro de vacunación",
        "¿Alguien sabe si abren los hospitales de {place} el domingo?",
        "Las cifras de {place} bajan por tercera semana",
    ],
    "en": [
        "Latest numbers from {place} look better this week",
        "Long lines at the clinic in {place} today",
        "Reading the new report about {place} right now",
    ],
    "pt": ["Novos dados de {place} saíram hoje", "Fila enorme no posto de saúde em {place}"],
    "fr": ["Nouvelles données de {place} ce matin", "Longue file à la clinique de {place}"],
}
AUTHOR_POOL = 5000


class SyntheticSource:
    def __init__(
        self,
        hashtag: str | None,
        location: str | None,
        rate: float,
        seed: int | None = None,
        record_bytes: int = 0,
    ) -> None:
        self.hashtag = normalize_tag(hashtag) if hashtag else None
        self.location = location
        self.rate = rate
        self.rng = random.Random(seed)
        self.record_bytes = record_bytes
        # The id space starts at a seed-derived offset so two seeded runs don't collide
        # with an unseeded one in the same stream.
        self._serial = self.rng.randrange(10**9)
        self._authors = [f"did:plc:{self.rng.getrandbits(120):030x}" for _ in range(AUTHOR_POOL)]

    def make(self) -> Record:
        rng = self.rng
        self._serial += 1
        lang = rng.choices([lang for lang, _ in LANGS], [w for _, w in LANGS])[0]
        place = self.location or rng.choice(PLACES)
        tags = ([self.hashtag] if self.hashtag else []) + rng.sample(EXTRA_TAGS, rng.randint(0, 2))
        text = rng.choice(TEXTS[lang]).format(place=place.title()) + " " + " ".join(f"#{t}" for t in tags)
        now = utc_iso()
        record = Record(
            id=f"synthetic-{self._serial}",
            created_at=now,
            text=text.strip(),
            author=self._pick_author(),
            lang=lang,
            hashtags=unique(tags),
            place=place,
            source="synthetic",
            ingested_at=now,
        )
        if self.record_bytes:
            pad = self.record_bytes - len(record.to_bytes()) - 1
            if pad > 0:
                record.text += " " + "".join(rng.choice("abcdefghij klmnopqrst") for _ in range(pad))
        return record

    def _pick_author(self) -> str:
        # Skewed like real traffic: a few authors post a lot, most post rarely.
        if self.rng.random() < 0.3:
            return self._authors[min(int(self.rng.paretovariate(1.2)) - 1, AUTHOR_POOL - 1)]
        return self._authors[self.rng.randrange(AUTHOR_POOL)]

    def records(self, stop: threading.Event) -> Iterator[Record]:
        pacer = Pacer(self.rate)
        while not stop.is_set():
            wait = pacer.delay()
            if wait > 0:
                if stop.wait(wait):
                    return
            yield self.make()

