"""Cancellation never loses a message, in every async flavour.

One PUSH/PULL pair per flavour (inproc, high-water marks of 4, so sends do wait). The
sender sends multipart messages ``[seq, body]`` and, at random, gives a send a tiny timeout
or cancels it; a send that was cancelled is sent again unless it completed. The receiver
gives its receives random timeouts and cancellations in the same way. Then every sequence
number must have arrived exactly once, in order, each message whole.

``CYZMQ_STRESS=1`` (``make stress``) sends 100,000 messages per flavour instead of 10,000.
Each test prints its figures (messages, cancels, lost, duplicated, reordered).
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import random
from dataclasses import dataclass, field

import pytest

import zmq

N = 100_000 if os.environ.get("CYZMQ_STRESS") else 10_000
HWM = 4
P_CANCEL = 0.3  # share of operations given a timeout or cancelled
LIMIT = 120 if os.environ.get("CYZMQ_STRESS") else 50  # seconds per flavour, at most
END = b"end"

if hasattr(asyncio, "timeout"):
    task_timeout = asyncio.timeout
else:  # Python < 3.11 (PyPy 3.9): the same thing by hand, cancelling the awaiting task

    @contextlib.asynccontextmanager
    async def task_timeout(delay):
        """Cancel the current task after *delay* seconds and raise TimeoutError."""
        task = asyncio.current_task()
        fired = False

        def fire():
            nonlocal fired
            fired = True
            task.cancel()

        handle = asyncio.get_running_loop().call_later(delay, fire)
        try:
            yield
        except asyncio.CancelledError:
            if fired:
                raise TimeoutError from None
            raise
        finally:
            handle.cancel()


@dataclass
class Tally:
    """What one run saw."""

    flavour: str
    seed: int
    received: list[int] = field(default_factory=list)
    torn: int = 0  # messages whose body did not match their number (half a multipart...)
    send_cancels: int = 0
    recv_cancels: int = 0

    def got(self, parts: list[bytes]) -> None:
        seq = int(parts[0])
        if len(parts) != 2 or parts[1] != body(seq):
            self.torn += 1
        self.received.append(seq)

    def figures(self) -> dict[str, int]:
        seen: set[int] = set()
        duplicated = reordered = 0
        highest = -1
        for seq in self.received:
            if seq in seen:
                duplicated += 1
                continue
            seen.add(seq)
            if seq < highest:
                reordered += 1
            highest = max(highest, seq)
        return {"messages": N, "cancels": self.send_cancels + self.recv_cancels, "send_cancels": self.send_cancels,
                "recv_cancels": self.recv_cancels, "lost": N - len(seen), "duplicated": duplicated,
                "reordered": reordered, "torn": self.torn}

    def check(self, capsys: pytest.CaptureFixture[str]) -> None:
        f = self.figures()
        with capsys.disabled():
            print(f"\n[cancellation] {self.flavour} (seed {self.seed}): " + ", ".join(f"{k} {v}" for k, v in f.items()))
        assert (f["lost"], f["duplicated"], f["reordered"], f["torn"]) == (0, 0, 0, 0), f
        # the run did exercise cancellation on both sides
        assert self.send_cancels > 0 and self.recv_cancels > 0, f


def body(seq: int) -> bytes:
    return b"x" * (seq % 7)


def message(seq: int) -> list[bytes]:
    return [b"%d" % seq, body(seq)]


def pair(ctx: zmq.Context, name: str) -> tuple[zmq.Socket, zmq.Socket]:
    push, pull = ctx.socket(zmq.PUSH), ctx.socket(zmq.PULL)
    for s in (push, pull):
        s.linger = 0
        s.sndhwm = s.rcvhwm = HWM
    pull.bind(f"inproc://cancel-{name}")
    push.connect(f"inproc://cancel-{name}")
    return push, pull


def tiny(rng: random.Random) -> float:
    """A timeout short enough to strike while the operation waits, or just as it completes."""
    return rng.choice((0.0, 0.00005, 0.0002, 0.001))


def new_tally(flavour: str) -> tuple[Tally, random.Random]:
    seed = random.randrange(2**32)
    return Tally(flavour, seed), random.Random(seed)


async def recv_in_cancelled_task(pull, rng):
    """recv_multipart awaited by a task that is cancelled after 0-2 loop turns: the parts,
    or None if the cancellation came first."""
    async def receive():
        return await pull.recv_multipart()

    task = asyncio.ensure_future(receive())
    for _ in range(rng.randrange(3)):
        await asyncio.sleep(0)
    task.cancel()
    try:
        return await task
    except asyncio.CancelledError:
        return None


# -- asyncio ------------------------------------------------------------------------------------


def test_asyncio_cancellation_loses_nothing(capsys):
    import zmq.asyncio

    tally, rng = new_tally("asyncio")

    async def send(push):
        seq = 0
        while seq < N:
            fut = push.send_multipart(message(seq))
            if rng.random() < P_CANCEL:
                try:
                    await asyncio.wait_for(fut, tiny(rng))  # cancels the future on timeout
                except asyncio.TimeoutError:
                    tally.send_cancels += 1
                    continue  # the future was cancelled before its send ran: send it again
            else:
                await fut
            seq += 1
        await push.send_multipart([END])

    async def receive(pull):
        while True:
            r = rng.random()
            if r < P_CANCEL / 3:  # the task awaiting the future is cancelled (asyncio.timeout)
                try:
                    async with task_timeout(tiny(rng)):
                        parts = await pull.recv_multipart()
                except TimeoutError:
                    tally.recv_cancels += 1
                    continue
            elif r < 2 * P_CANCEL / 3:  # the future itself is cancelled
                try:
                    parts = await asyncio.wait_for(pull.recv_multipart(), tiny(rng))
                except asyncio.TimeoutError:
                    tally.recv_cancels += 1
                    continue
            elif r < P_CANCEL:  # a task cancelled after a random number of loop turns
                parts = await recv_in_cancelled_task(pull, rng)
                if parts is None:
                    tally.recv_cancels += 1
                    continue
            else:
                parts = await pull.recv_multipart()
            if parts == [END]:
                return
            tally.got(parts)

    async def main():
        ctx = zmq.asyncio.Context()
        push, pull = pair(ctx, "asyncio")
        try:
            await asyncio.wait_for(asyncio.gather(send(push), receive(pull)), LIMIT)
        finally:
            push.close()
            pull.close()
            ctx.term()

    asyncio.run(main())
    tally.check(capsys)


# -- Tornado futures ----------------------------------------------------------------------------


def test_tornado_future_cancellation_loses_nothing(capsys):
    pytest.importorskip("tornado")
    from datetime import timedelta

    from tornado import gen
    from tornado.ioloop import IOLoop
    from tornado.util import TimeoutError as TornadoTimeout

    import zmq.eventloop.future as F

    tally, rng = new_tally("tornado")

    async def within(fut):
        """Await ``fut`` with Tornado's timeout (which leaves it running): cancel it when the
        time is up, and take its result if it completed meanwhile (None: cancelled)."""
        try:
            return await gen.with_timeout(timedelta(seconds=tiny(rng)), fut)
        except TornadoTimeout:
            if fut.cancel():
                return None
            return fut.result()

    async def send(push):
        seq = 0
        while seq < N:
            fut = push.send_multipart(message(seq))
            if rng.random() < P_CANCEL:
                if await within(fut) is None and fut.cancelled():
                    tally.send_cancels += 1
                    continue
            else:
                await fut
            seq += 1
        await push.send_multipart([END])

    async def receive(pull):
        while True:
            r = rng.random()
            if r < P_CANCEL / 2:
                parts = await within(pull.recv_multipart())
                if parts is None:
                    tally.recv_cancels += 1
                    continue
            elif r < P_CANCEL:  # a coroutine on the IOLoop cancelled while it awaits the future
                parts = await recv_in_cancelled_task(pull, rng)
                if parts is None:
                    tally.recv_cancels += 1
                    continue
            else:
                parts = await pull.recv_multipart()
            if parts == [END]:
                return
            tally.got(parts)

    async def main():
        ctx = F.Context()
        push, pull = pair(ctx, "tornado")
        try:
            await gen.multi([send(push), receive(pull)])
        finally:
            push.close()
            pull.close()
            ctx.term()

    loop = IOLoop()
    try:
        loop.run_sync(main, timeout=LIMIT)
    finally:
        loop.close()
    tally.check(capsys)


# -- trio (zmq.anyio) ---------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["trio", "asyncio"])
def test_anyio_cancellation_loses_nothing(capsys, backend):
    anyio = pytest.importorskip("anyio")
    if backend == "trio":
        pytest.importorskip("trio")
    import zmq.anyio

    tally, rng = new_tally(f"anyio[{backend}]")

    async def send(push):
        seq = 0
        while seq < N:
            if rng.random() < P_CANCEL:
                with anyio.move_on_after(tiny(rng)) as scope:
                    await push.send_multipart(message(seq))
                    seq += 1  # (no checkpoint between the send's return and this)
                if scope.cancelled_caught:
                    tally.send_cancels += 1
            else:
                await push.send_multipart(message(seq))
                seq += 1
        await push.send_multipart([END])

    async def receive(pull):
        while True:
            parts = None
            if rng.random() < P_CANCEL:
                with anyio.move_on_after(tiny(rng)) as scope:
                    parts = await pull.recv_multipart()
                if scope.cancelled_caught:
                    tally.recv_cancels += 1
                    continue
            else:
                parts = await pull.recv_multipart()
            if parts == [END]:
                return
            tally.got(parts)

    async def main():
        ctx = zmq.anyio.Context()
        push, pull = pair(ctx, f"anyio-{backend}")
        try:
            with anyio.fail_after(LIMIT):
                async with anyio.create_task_group() as tg:
                    tg.start_soon(send, push)
                    tg.start_soon(receive, pull)
        finally:
            push.close()
            pull.close()
            ctx.term()

    anyio.run(main, backend=backend)
    tally.check(capsys)


# -- gevent (zmq.green) -------------------------------------------------------------------------


def test_gevent_timeout_loses_nothing(capsys):
    gevent = pytest.importorskip("gevent")
    import zmq.green as gzmq

    tally, rng = new_tally("gevent")

    def send(push):
        seq = 0
        while seq < N:
            if rng.random() < P_CANCEL:
                sent = False
                with gevent.Timeout(tiny(rng), False):
                    push.send_multipart(message(seq))
                    sent = True
                if not sent:
                    tally.send_cancels += 1
                    continue
            else:
                push.send_multipart(message(seq))
            seq += 1
        push.send_multipart([END])

    def receive(pull):
        while True:
            parts = None
            if rng.random() < P_CANCEL:
                with gevent.Timeout(tiny(rng), False):
                    parts = pull.recv_multipart()
                if parts is None:
                    tally.recv_cancels += 1
                    continue
            else:
                parts = pull.recv_multipart()
            if parts == [END]:
                return
            tally.got(parts)

    ctx = gzmq.Context()
    push, pull = pair(ctx, "gevent")
    try:
        greenlets = [gevent.spawn(send, push), gevent.spawn(receive, pull)]
        done = gevent.joinall(greenlets, timeout=LIMIT, raise_error=True)
        assert len(done) == 2, "timed out"
    finally:
        gevent.killall(greenlets)
        push.close()
        pull.close()
        ctx.term()
    tally.check(capsys)


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_asyncio_cancelled_recv_json_hands_its_message_on(turns):
    # recv_json chains a future on its recv: a task cancelled at any point after the message
    # arrived (before the decode, after it, before the task resumed) loses nothing.
    import zmq.asyncio

    async def main():
        ctx = zmq.asyncio.Context()
        push, pull = pair(ctx, f"json-{turns}")
        try:
            async def receive():
                return await pull.recv_json()

            task = asyncio.ensure_future(receive())
            await asyncio.sleep(0)  # the task queues its recv
            await push.send_json({"n": 1})
            for _ in range(turns):
                await asyncio.sleep(0)
            task.cancel()
            try:
                first = await task
            except asyncio.CancelledError:
                first = None
            got = [first] if first is not None else []
            await push.send_json({"n": 2})
            while len(got) < 2:
                got.append(await asyncio.wait_for(pull.recv_json(), 5))
            assert got == [{"n": 1}, {"n": 2}]
        finally:
            push.close()
            pull.close()
            ctx.term()

    asyncio.run(main())
