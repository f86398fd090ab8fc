"""Differences from pyzmq that we keep on purpose, because ours is better.

Each entry: probe id (``module::probe``) -> (why ours is better, the test of our own
behaviour as ``path::test_name``). A missing feature is never a reason. The differential
test fails when an allow-listed probe stops differing (remove the entry then) and when the
named test does not exist.
"""

ALLOWED: dict[str, tuple[str, str]] = {
}
