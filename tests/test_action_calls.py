"""Action server responses are still checked against Rasa's schema, with Rasa's error."""
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from helpline import action_calls, settings


def test_valid_responses_pass_and_invalid_ones_get_rasas_error() -> None:
    action_calls.install()
    action = RemoteAction("action_signpost", EndpointConfig("http://127.0.0.1:9/webhook"))
    assert action._validate_action_result({
        "events": [{"event": "slot", "name": "place", "value": "Tamworth"}],
        "responses": [{"text": "Call 999 if you are in danger."}],
    })
    for bad in ({"events": "not a list"}, {"events": [{"no_event_key": 1}]},
                {"events": [{"event": "slot", "name": 5}]}, ["not", "an", "object"]):
        with pytest.raises(ValidationError, match="Failed to validate Action server"):
            action._validate_action_result(bad)


def test_the_wait_is_bounded_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa.core.actions.action

    monkeypatch.setenv("HELPLINE_ACTION_TIMEOUT", "3.5")
    action_calls.install()
    assert rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT == 3.5
    for bad in ("soon", "0", "-1"):
        monkeypatch.setenv("HELPLINE_ACTION_TIMEOUT", bad)
        assert settings.get().action_timeout == 10.0


class _SlowActionServer:
    """Accepts action calls on loopback and answers none of them within the test."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.calls = 0
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                server.calls += 1
                server.release.wait(60)

            def log_message(self, *_args: object) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http.server_port}/webhook"

    def close(self) -> None:
        self.release.set()
        self.http.shutdown()


def test_a_slow_action_server_still_gets_the_emergency_route(tmp_path) -> None:
    import time

    import requests

    from bot.channels.common import NO_REPLY
    from helpline.run import Stack
    from tests.conftest import ensure_model
    from tests.helpers import free_port

    ensure_model()
    slow = _SlowActionServer()
    stack = Stack(rasa_port=free_port(), action_port=free_port(),
                  tracker_url=f"sqlite:///{tmp_path / 'tracker.db'}",
                  db_url=f"sqlite:///{tmp_path / 'helpline.db'}", log_dir=tmp_path,
                  action_url=slow.url, extra_env={"HELPLINE_ACTION_TIMEOUT": "2"})
    try:
        stack.start_rasa()
        stack.wait_ready()
        url = f"{stack.rasa_url}/webhooks/rest/webhook"

        started = time.monotonic()
        reply = requests.post(url, json={"sender": "slow-1", "message":
                                         "I'm in Tamworth and need help"}, timeout=60)
        waited = time.monotonic() - started
        assert slow.calls >= 1, "the signposting action was called"
        assert reply.status_code == 200 and waited < 20
        assert [m["text"] for m in reply.json()] == [NO_REPLY]
        assert "can't look up local services" in NO_REPLY and "0808 2000 247" in NO_REPLY

        texts = " ".join(m["text"] for m in requests.post(url, json={
            "sender": "slow-1", "message": "he's outside with a knife"}, timeout=60).json())
        assert "999" in texts and "55" in texts
    finally:
        stack.stop()
        slow.close()


def test_requests_carry_the_same_json_headers_and_auth() -> None:
    """The endpoint's session writes JSON with ujson: a loopback server gets the same values
    (text with quotes, slashes, accents and emoji, floats, nesting), headers and basic auth."""
    import asyncio
    import json

    import numpy as np
    from aiohttp import web

    payload = {"tracker": {"events": [{"event": "user", "text": 'he said "stay" / é 😢 <b>',
                                       "parse_data": {"intent": {"confidence": np.float64(
                                           0.123456789012345678)}}}]},
               "domain": {"slots": {"place": None, "flag": True}}, "n": [1, 2.5, 1e-20]}
    received = []

    async def record(request: web.Request) -> web.Response:
        received.append((await request.text(), dict(request.headers)))
        return web.json_response({"events": [], "responses": []})

    async def scenario() -> dict:
        app = web.Application()
        app.router.add_post("/webhook", record)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        try:
            endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook",
                                      headers={"X-Test": "yes"},
                                      basic_auth={"username": "rasa", "password": "secret"})
            return await endpoint.request(json=payload, method="post")
        finally:
            await runner.cleanup()

    action_calls.install()
    assert asyncio.run(scenario()) == {"events": [], "responses": []}
    [(body, headers)] = received
    assert json.loads(body) == json.loads(json.dumps(payload))
    assert headers["X-Test"] == "yes" and headers["Authorization"].startswith("Basic ")
    assert headers["Content-Type"] == "application/json"


def test_calls_share_a_kept_connection_that_survives_a_restart(monkeypatch) -> None:
    """One TCP connection for a run of calls (Rasa opened one per call); a restarted action
    server's closed connections are dropped, not reused; an idle one is closed by this side."""
    import asyncio

    from aiohttp import web

    peers: list = []

    async def record(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername")[1])
        return web.json_response({"events": [], "responses": []})

    async def serve(port: int = 0) -> tuple:
        app = web.Application()
        app.router.add_post("/webhook", record)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        return runner, site._server.sockets[0].getsockname()[1]

    async def scenario() -> None:
        runner, port = await serve()
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        for _ in range(5):
            await endpoint.request(json={"n": 1}, method="post")
        assert len(peers) == 5 and len(set(peers)) == 1, peers
        await runner.cleanup()  # the action server restarts
        runner, _ = await serve(port)
        assert await endpoint.request(json={"n": 2}, method="post") == {"events": [],
                                                                         "responses": []}
        assert peers[-1] != peers[0]
        await asyncio.sleep(action_calls.KEEPALIVE + 0.3)  # idle: this side closes first
        await endpoint.request(json={"n": 3}, method="post")
        assert peers[-1] != peers[-2]
        await runner.cleanup()

    monkeypatch.setattr(action_calls, "KEEPALIVE", 0.2)
    action_calls.install()
    asyncio.run(scenario())
