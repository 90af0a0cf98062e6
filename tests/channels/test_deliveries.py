"""take_delivery: each webhook delivery is handled once, and retried when it was not taken."""
import asyncio

import pytest

from bot.channels.common import IN_HAND, TAKEN, UNAVAILABLE, Unavailable, take_delivery


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPLINE_DB_URL", f"sqlite:///{tmp_path / 'deliveries.db'}")


def test_handled_once_and_retried_only_when_not_taken() -> None:
    calls: list[str] = []
    told: list[str] = []

    async def handle(outcome: str) -> None:
        calls.append(outcome)
        if outcome == "database down":
            raise Unavailable("OperationalError")
        if outcome == "bug":
            raise RuntimeError("unexpected")

    async def tell() -> None:
        told.append("told")

    def take(delivery: str, outcome: str) -> int:
        return asyncio.run(take_delivery("sms", delivery, lambda: handle(outcome), tell))

    assert take("SM1", "ok") == TAKEN
    assert take("SM1", "ok") == TAKEN  # a duplicate: acknowledged, not handled again
    assert calls == ["ok"] and told == []

    assert take("SM2", "database down") == UNAVAILABLE  # not taken: the person is told, retry
    assert told == ["told"]
    assert take("SM2", "ok") == TAKEN  # the retry is handled
    assert calls == ["ok", "database down", "ok"]

    assert take("SM3", "bug") == TAKEN  # acknowledged: a retry would fail the same way
    assert take("SM3", "ok") == TAKEN
    assert calls[-1] == "bug" and told == ["told"]


def test_a_copy_arriving_while_the_first_is_handled_must_come_again() -> None:
    async def scenario() -> list[int]:
        started, release = asyncio.Event(), asyncio.Event()

        async def slow() -> None:
            started.set()
            await release.wait()

        async def tell() -> None:
            pass

        first = asyncio.create_task(take_delivery("telegram", "7", slow, tell))
        await started.wait()
        copy = await take_delivery("telegram", "7", slow, tell)
        release.set()
        return [await first, copy]

    assert asyncio.run(scenario()) == [TAKEN, IN_HAND]  # 409: comes again, not a 5xx
