"""Show how cyzmq and pyzmq compare on probes, for writing them and fixing what they find.

    .venv/bin/python tests/differential/diff.py p_context [probe ...] [--all]

Prints each differing probe's two observations (with --all, the matching ones too).
"""
import json
import sys

import test_differential as td


def main(argv: list[str]) -> int:
    show_all = "--all" in argv
    args = [a for a in argv if a != "--all"]
    module, names = args[0], args[1:]
    ours, theirs = td.run_module(module)
    differing = 0
    for name in ours:
        if names and name not in names:
            continue
        same = ours[name] == theirs.get(name)
        differing += not same
        if show_all or not same:
            probe_id = f"{module}::{name}"
            allowed = (" (allow-listed)" if probe_id in td.ALLOWED else
                       f" ({td._backend()} backend limit)" if probe_id in td._backend_limits() else "")
            print(f"== {name}: {'same' if same else 'DIFFERS' + allowed}")
            if not same:
                print("cyzmq:", json.dumps(ours[name], sort_keys=True))
                print("pyzmq:", json.dumps(theirs.get(name), sort_keys=True))
    print(f"{differing} of {len(ours)} probes differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
