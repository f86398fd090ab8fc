"""The check both backends make before passing THREAD_SCHED_POLICY/THREAD_PRIORITY to libzmq."""
from __future__ import annotations

import os
import threading


def check_thread_scheduling(policy: int, priority: int) -> None:
    """Refuse a scheduling policy/priority the kernel would refuse (``-1``: unchanged).

    libzmq applies them when it starts its I/O threads (at the first socket) and aborts the
    process if the kernel refuses them, so they are tried first on a scratch thread.

    Raises
    ------
    zmq.ZMQError
        With the kernel's errno, naming the policy and priority.
    """
    if (policy == -1 and priority == -1) or not hasattr(os, "sched_setscheduler"):
        return
    failure: list[OSError] = []

    def trial() -> None:
        try:
            pol = policy if policy != -1 else os.sched_getscheduler(0)
            param = os.sched_param(priority) if priority != -1 else os.sched_getparam(0)
            os.sched_setscheduler(0, pol, param)
        except OSError as e:
            failure.append(e)

    t = threading.Thread(target=trial, name="cyzmq-sched-check")
    t.start()
    t.join()
    if failure:
        from zmq.error import error_class

        errnum = failure[0].errno or 22
        raise error_class(errnum)(errnum,
                       f"the kernel refuses thread scheduling policy={policy} priority={priority} "
                       f"({failure[0].strerror}); libzmq would abort when starting its threads")
