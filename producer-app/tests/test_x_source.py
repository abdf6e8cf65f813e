"""The x source with tweepy's real Client; only the HTTP transport is canned (no X API
here, and it is paid): parsing, since_id paging, and the access errors users will hit."""

import json
import threading

import pytest
import requests
import tweepy

from streamlab_producer.sources import SourceError
from streamlab_producer.sources.x import XSource, default_query


class CannedX(requests.adapters.BaseAdapter):
    """Answers api.twitter.com requests from a list of (status, body) in order."""

    def __init__(self, replies):
        super().__init__()
        self.replies = list(replies)
        self.urls = []

    def send(self, request, **kwargs):
        self.urls.append(request.url)
        status, body = self.replies.pop(0) if self.replies else (200, {"meta": {"result_count": 0}})
        resp = requests.Response()
        resp.status_code = status
        resp.reason = {200: "OK", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden"}.get(status, "Err")
        resp._content = json.dumps(body).encode()
        resp.headers["content-type"] = "application/json"
        resp.url = request.url
        resp.request = request
        return resp

    def close(self):
        pass


def source_with(replies, **kw):
    client = tweepy.Client(bearer_token="test-token")
    adapter = CannedX(replies)
    client.session.mount("https://", adapter)
    return XSource("test-token", "#COVID_19", "lima", None, poll_seconds=0.01, client=client, **kw), adapter


def take(source, n):
    stop = threading.Event()
    out = []
    threading.Timer(5, stop.set).start()
    for r in source.records(stop):
        out.append(r)
        if len(out) == n:
            break
    stop.set()
    return out


def test_default_query_uses_place_operator():
    assert default_query("#COVID_19", "lima") == "#COVID_19 place:lima -is:retweet"
    assert default_query("covid", "san isidro") == '#covid place:"san isidro" -is:retweet'


def test_recent_search_pages_with_since_id_and_yields_oldest_first():
    page = {
        "data": [
            {"id": "12", "text": "newer #COVID_19", "author_id": "200", "edit_history_tweet_ids": [], "lang": "es", "created_at": "2026-11-27T10:00:02.000Z",
             "entities": {"hashtags": [{"tag": "COVID_19"}]}, "geo": {"place_id": "pl1"}},
            {"id": "11", "text": "older #covid_19 #Lima", "author_id": "100", "edit_history_tweet_ids": [], "lang": "en",
             "created_at": "2026-11-27T10:00:01.000Z"},
        ],
        "includes": {"places": [{"id": "pl1", "full_name": "Lima, Peru"}]},
        "meta": {"newest_id": "12", "result_count": 2},
    }  # fmt: skip
    source, adapter = source_with([(200, page), (200, {"data": [{"id": "13", "text": "t #COVID_19", "author_id": "300", "edit_history_tweet_ids": []}],
                                                        "meta": {"newest_id": "13"}})])  # fmt: skip
    records = take(source, 3)
    assert [r.id for r in records] == ["11", "12", "13"]
    assert records[0].hashtags == ["covid_19", "lima"] and records[0].place == "lima"
    assert records[1].place == "Lima, Peru" and records[1].author == "200" and records[1].source == "x"
    assert records[1].created_at == "2026-11-27T10:00:02.000Z"
    assert "since_id=12" in adapter.urls[1] and "query=%23COVID_19+place%3Alima" in adapter.urls[0]


@pytest.mark.parametrize(
    "status,body,message",
    [
        (401, {"title": "Unauthorized", "status": 401}, "bearer token was refused"),
        (402, {"title": "Payment Required", "status": 402}, "paid per use"),
        (403, {"title": "Forbidden", "detail": "not permitted"}, "lacks access"),
        (403, {"client_id": "1", "reason": "client-not-enrolled", "title": "Client Forbidden",
               "errors": [{"code": 453, "message": "You currently have access to a subset of X API V2 endpoints"}]},
         "not enrolled"),  # fmt: skip
    ],
)
def test_access_problems_stop_the_source_with_a_clear_error(status, body, message):
    source, _ = source_with([(status, body)])
    with pytest.raises(SourceError, match=message) as err:
        take(source, 1)
    assert err.value.access_denied


def test_server_errors_are_retried():
    source, adapter = source_with([(503, {"title": "Service Unavailable"}),
                                   (200, {"data": [{"id": "1", "text": "x", "author_id": "7", "edit_history_tweet_ids": []}], "meta": {"newest_id": "1"}})])  # fmt: skip
    assert [r.id for r in take(source, 1)] == ["1"] and len(adapter.urls) == 2
