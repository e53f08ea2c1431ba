"""Request signing and routing through the real Bolt app over HTTP."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from tests.transports.slack.slack_support import MEMBER, SlackClient, sign


async def test_good_signature_is_acked(client: SlackClient) -> None:
    _, body = client.payload("help", MEMBER)
    status, _ = await client.post(body)
    assert status == 200


@pytest.mark.parametrize(
    ("case", "age", "secret"),
    [
        ("wrong secret", 0, "not-the-secret"),
        ("stale timestamp", 6 * 60, None),
        ("future timestamp", -6 * 60, None),
    ],
)
async def test_bad_requests_are_rejected(
    client: SlackClient, case: str, age: int, secret: str | None
) -> None:
    key, body = client.payload("help", MEMBER)
    ts = int(time.time()) - age
    signature = sign(body, ts, secret) if secret else sign(body, ts)
    status, _ = await client.post(body, timestamp=ts, signature=signature)
    assert status == 401, case
    assert key not in client.fake.responses


async def test_tampered_body_is_rejected(client: SlackClient) -> None:
    _, body = client.payload("help", MEMBER)
    ts = int(time.time())
    signature = sign(body, ts)
    status, _ = await client.post(
        body.replace("help", "subscribe+all"), timestamp=ts, signature=signature
    )
    assert status == 401


@pytest.mark.parametrize("text", ["", "help", "HELP", "frobnicate now"])
async def test_usage_for_help_and_unknown(client: SlackClient, text: str) -> None:
    reply = await client.command(text)
    assert reply["response_type"] == "ephemeral"
    body = " ".join(b["text"]["text"] for b in reply["blocks"] if "text" in b)
    assert "/newsbot who NAME" in body
    if text.startswith("frob"):
        assert "Unknown sub-command `frobnicate`" in body


async def test_unknown_word_is_escaped(client: SlackClient) -> None:
    reply = await client.command("<!channel> hi")
    text = reply["blocks"][0]["text"]["text"]
    assert "<!channel>" not in text
    assert "&lt;!channel&gt;" in text


async def test_missing_argument_is_an_ephemeral_error(client: SlackClient) -> None:
    reply = await client.command("WHO")
    assert reply["response_type"] == "ephemeral"
    assert "Whom should I look up?" in reply["blocks"][0]["text"]["text"]


async def test_dead_response_url_falls_back_to_ephemeral_post(client: SlackClient) -> None:
    fake = client.fake
    _, body = client.payload("subscribe nato", MEMBER)
    body = body.replace("%2Frespond%2F", "%2Fgone%2F")  # response_url now answers 404
    status, _ = await client.post(body)
    assert status == 200
    await fake.wait_for(lambda: bool(fake.calls_to("chat.postEphemeral")))
    call = fake.calls_to("chat.postEphemeral")[0]
    assert (call.args["user"], call.args["channel"]) == (MEMBER, "CNEWS")
    assert "Only people allowed" in json.dumps(call.args["blocks"], ensure_ascii=False)


async def test_ack_does_not_wait_for_slow_work(
    client: SlackClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slack needs the 200 within 3 s: the answer to slow work comes later, by response_url."""
    from bot.services import queries

    release = asyncio.Event()
    started = asyncio.Event()

    async def slow_search(db: object, query: str, limit: int = 10) -> list:
        started.set()
        await release.wait()
        return []

    monkeypatch.setattr(queries, "search", slow_search)
    key, body = client.payload("search 停戦", MEMBER)
    status, _ = await asyncio.wait_for(client.post(body), 30)  # a hang here = no early ack
    assert status == 200
    await asyncio.wait_for(started.wait(), 10)
    assert key not in client.fake.responses  # acked while the work is still running
    release.set()
    await client.fake.wait_for(lambda: bool(client.fake.responses.get(key)))
    assert "No articles match" in json.dumps(client.fake.responses[key][0], ensure_ascii=False)
