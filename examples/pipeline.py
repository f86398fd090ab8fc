"""Pipeline: a ventilator PUSHes tasks to worker threads, which PUSH results to a sink.

PUSH distributes messages round-robin among the connected PULL sockets and never drops
them; PULL fair-queues from every PUSH connected to it. Each worker stops when it receives
an empty "stop" message (one per worker).

Run: python examples/pipeline.py
"""
import threading

import zmq

N_WORKERS = 3
N_TASKS = 30


def worker(ctx: zmq.Context, wid: int) -> None:
    with ctx.socket(zmq.PULL) as tasks, ctx.socket(zmq.PUSH) as results:
        tasks.rcvtimeo = 5000
        tasks.connect("inproc://tasks")
        results.connect("inproc://results")
        while True:
            task = tasks.recv_json()
            if task is None:                 # the stop message
                break
            results.send_json({"worker": wid, "task": task, "result": sum(range(task + 1))})


def main() -> None:
    with zmq.Context() as ctx:
        with ctx.socket(zmq.PUSH) as tasks, ctx.socket(zmq.PULL) as results:
            results.rcvtimeo = 5000
            # inproc endpoints: bind before the workers connect.
            tasks.bind("inproc://tasks")
            results.bind("inproc://results")
            threads = [threading.Thread(target=worker, args=(ctx, i)) for i in range(N_WORKERS)]
            for t in threads:
                t.start()

            for task in range(N_TASKS):
                tasks.send_json(task)
            total = 0
            per_worker = [0] * N_WORKERS
            for _ in range(N_TASKS):
                r = results.recv_json()
                total += r["result"]
                per_worker[r["worker"]] += 1
            for _ in threads:
                tasks.send_json(None)
            for t in threads:
                t.join()

    print(f"tasks per worker: {per_worker}")
    print(f"pipeline: total = {total}")


if __name__ == "__main__":
    main()
