"""Make a CURVE key pair: ``python -m zmq.curve_keygen [NAME [--dir DIR]]``.

Without arguments, prints a new key pair (Z85-encoded) on two lines::

    public: <40 characters>
    secret: <40 characters>

With ``NAME``, writes the certificate files ``NAME.key`` and ``NAME.key_secret`` (mode 0600)
into ``DIR`` (the current directory by default) instead, and prints their paths.
"""
from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

import zmq
from zmq.auth.certs import create_certificates

__all__ = ["main"]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line tool.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (``sys.argv[1:]`` by default).

    Returns
    -------
    int
        The exit status.
    """
    parser = argparse.ArgumentParser(
        prog="python -m zmq.curve_keygen",
        description="Generate a CURVE key pair (printed, or written as certificate files).",
    )
    parser.add_argument("name", nargs="?", help="write NAME.key and NAME.key_secret instead of printing")
    parser.add_argument("--dir", default=".", help="directory for the certificate files (default: .)")
    args = parser.parse_args(argv)
    if not zmq.has("curve"):
        print("this libzmq was built without CURVE support", file=sys.stderr)
        return 1
    if args.name:
        try:
            public_file, secret_file = create_certificates(args.dir, args.name)
        except (OSError, ValueError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        print(f"public certificate: {public_file}")
        print(f"secret certificate: {secret_file}")
        return 0
    public, secret = zmq.curve_keypair()
    print(f"public: {public.decode('ascii')}")
    print(f"secret: {secret.decode('ascii')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
