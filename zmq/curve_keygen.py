"""Make a CURVE key pair: ``python -m zmq.curve_keygen [--json] [--secret SECRET]``.

Prints a new key pair, Z85-encoded::

    == CURVE PUBLIC KEY ==
    <40 characters>

    == CURVE SECRET KEY ==
    <40 characters>

``--json`` prints ``{"public": ..., "secret": ...}`` instead; ``--secret SECRET`` derives
the public key of an existing secret key rather than making a new pair (an invalid one
ends the tool with status 1). To write certificate files, use
:func:`zmq.auth.certs.create_certificates`.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Optional, Sequence

import zmq

__all__ = ["main"]

_DESCRIPTION = (
    "Generate a zmq curve keypair. Generates a 'public' and a 'secret' key. Add `--json` to output as a JSON"
    " dictionary. Add `--secret SECRET` to derive public key from an existing secret key. CURVE keys are always"
    " z85-encoded (ASCII safe)."
)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Run the command line tool (see the module docs).

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (``sys.argv[1:]`` by default).

    Raises
    ------
    SystemExit
        Status 2 for bad arguments, 1 for an invalid ``--secret``.
    """
    parser = argparse.ArgumentParser(prog="python3 -m zmq.curve_keygen", description=_DESCRIPTION)
    parser.add_argument("--json", action="store_true", help="output keys as JSON dict")
    parser.add_argument("--secret", type=str, help="specify secret key to derive a public key")
    args = parser.parse_args(argv)
    if args.secret:
        try:
            public = zmq.curve_public(args.secret.encode()).decode()
        except (ValueError, UnicodeEncodeError) as e:
            sys.exit(f"invalid --secret: {e}")
        secret = args.secret
    else:
        public_b, secret_b = zmq.curve_keypair()
        public, secret = public_b.decode(), secret_b.decode()
    if args.json:
        print(json.dumps({"public": public, "secret": secret}, indent=1))
    else:
        print("== CURVE PUBLIC KEY ==")
        print(public)
        print()
        print("== CURVE SECRET KEY ==")
        print(secret)


#: The name of the entry point in pyzmq.
_main = main

if __name__ == "__main__":
    main()
