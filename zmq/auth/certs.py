"""CURVE certificates on disk, in ZeroMQ's ZPL text format (ZeroMQ RFC 4).

A certificate pair is two files in one directory:

- ``NAME.key``: the public certificate, safe to hand out;
- ``NAME.key_secret``: the secret certificate (public *and* secret key), created readable
  by its owner only (mode 0600, from the moment the file exists).

Keys are stored Z85-encoded (40 characters for a 32-byte key), as libzmq's CURVE socket
options accept them. A certificate looks like::

    #   ZeroMQ CURVE public certificate
    metadata
        name = "server"
    curve
        public-key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"

Directories of public certificates (:func:`load_certificates`) are what
:meth:`zmq.auth.Authenticator.configure_curve` reads to decide which clients may connect.
"""
from __future__ import annotations

import datetime
import errno
import os
import secrets
from typing import Mapping, Optional, Union

import zmq
from zmq.utils import z85

__all__ = ["CURVE_ALLOW_ANY", "create_certificates", "load_certificate", "load_certificates"]

#: Pass as ``location`` to :meth:`~zmq.auth.Authenticator.configure_curve` to accept any
#: client key (the connection is still encrypted, but clients are not authenticated).
CURVE_ALLOW_ANY = "*"

PathType = Union[str, "os.PathLike[str]"]

_PUBLIC_SUFFIX = ".key"
_SECRET_SUFFIX = ".key_secret"
_Z85_KEY_LEN = 40

_BANNER = """\
#   ****  Generated on {date} by cyzmq  ****
#   ZeroMQ CURVE {kind} certificate
{advice}
"""
_PUBLIC_ADVICE = """\
#   Hand this file to peers that must recognise you. Verify its contents after
#   any exchange over an untrusted channel."""
_SECRET_ADVICE = """\
#   This file holds a SECRET key: never copy it to another machine or account,
#   and keep it readable by its owner only."""


# -- writing -------------------------------------------------------------------------------


def _zpl_quote(value: str) -> str:
    """A ZPL value, double-quoted (a value may not itself contain a double quote)."""
    if '"' in value or "\n" in value or "\r" in value:
        raise ValueError(f"certificate values cannot contain quotes or line breaks: {value!r}")
    return f'"{value}"'


def _zpl_name(name: str) -> str:
    """Check a ZPL property name (letters, digits and ``$-_@.&+/``)."""
    allowed = set("$-_@.&+/")
    if not name or not all(c.isalnum() or c in allowed for c in name):
        raise ValueError(f"invalid certificate metadata name: {name!r}")
    return name


def _certificate_text(
    kind: str, public_key: bytes, secret_key: Optional[bytes], metadata: Optional[Mapping[str, str]]
) -> str:
    """The ZPL text of a certificate; ``secret_key`` is written when given."""
    advice = _SECRET_ADVICE if secret_key is not None else _PUBLIC_ADVICE
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    lines = [_BANNER.format(date=date, kind=kind, advice=advice), "metadata"]
    for name, value in (metadata or {}).items():
        lines.append(f"    {_zpl_name(name)} = {_zpl_quote(str(value))}")
    lines.append("curve")
    lines.append(f"    public-key = {_zpl_quote(public_key.decode('ascii'))}")
    if secret_key is not None:
        lines.append(f"    secret-key = {_zpl_quote(secret_key.decode('ascii'))}")
    return "\n".join(lines) + "\n"


def _write_file(path: str, text: str, mode: int) -> None:
    """Write ``text`` to ``path`` atomically, the file having ``mode`` from its creation.

    The text goes to a new file in the same directory, created with ``O_EXCL`` and
    ``mode`` (so it is never more open than that, whatever existed at ``path``), which
    then replaces ``path``.
    """
    directory = os.path.dirname(path) or "."
    fd = -1
    tmp = ""
    for _ in range(100):
        tmp = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(8)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
            break
        except FileExistsError:
            continue
    if fd < 0:
        raise FileExistsError(f"could not create a temporary file next to {path}")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def create_certificates(
    key_dir: PathType, name: str, metadata: Optional[Mapping[str, str]] = None
) -> tuple[str, str]:
    """Create a new CURVE key pair and write it as two certificate files.

    Parameters
    ----------
    key_dir : str or os.PathLike
        Existing directory to write the files in.
    name : str
        Base name of the files: ``NAME.key`` (public) and ``NAME.key_secret`` (secret).
        Existing files of those names are replaced.
    metadata : mapping of str to str, optional
        Extra properties stored in the certificates' ``metadata`` section.

    Returns
    -------
    tuple of str
        ``(public_file, secret_file)``: the paths written.

    Notes
    -----
    The secret file is created with mode 0600 (further restricted by the umask); it is
    never, even briefly, readable by others. The public file gets 0644 (less the umask).
    """
    directory = os.fspath(key_dir)
    if not os.path.isdir(directory):
        raise FileNotFoundError(errno.ENOENT, "certificate directory does not exist", directory)
    public_key, secret_key = zmq.curve_keypair()
    public_file = os.path.join(directory, name + _PUBLIC_SUFFIX)
    secret_file = os.path.join(directory, name + _SECRET_SUFFIX)
    _write_file(public_file, _certificate_text("public", public_key, None, metadata), 0o644)
    _write_file(secret_file, _certificate_text("secret", public_key, secret_key, metadata), 0o600)
    return public_file, secret_file


# -- reading -------------------------------------------------------------------------------


def _unquote(value: str) -> str:
    """A ZPL value: quoted with ``"`` or ``'``, or bare up to a comment."""
    value = value.strip()
    if value[:1] in ('"', "'"):
        end = value.find(value[0], 1)
        if end < 0:
            raise ValueError(f"unterminated quoted value: {value!r}")
        return value[1:end]
    return value.split("#", 1)[0].strip()


def _parse_zpl(text: str, filename: str) -> dict[str, dict[str, str]]:
    """The top-level sections of a ZPL document and their ``name = value`` properties.

    Deeper nesting is read into its top-level section (certificates have none).
    """
    sections: dict[str, dict[str, str]] = {}
    current: Optional[dict[str, str]] = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indented = raw[:1] in (" ", "\t")
        if "=" in stripped:
            name, _, value = stripped.partition("=")
            if current is None or not indented:
                current = sections.setdefault(name.strip(), {})
            try:
                current[name.strip()] = _unquote(value)
            except ValueError as e:
                raise ValueError(f"{filename}:{lineno}: {e}") from None
        elif not indented:
            current = sections.setdefault(stripped.split("#", 1)[0].strip(), {})
        elif current is None:
            raise ValueError(f"{filename}:{lineno}: indented line outside any section")
    return sections


def _checked_key(value: Optional[str], what: str, filename: str) -> Optional[bytes]:
    if value is None:
        return None
    key = value.encode("ascii", "replace")
    if len(key) != _Z85_KEY_LEN:
        raise ValueError(f"{filename}: {what} is not a 40-character Z85 key")
    try:
        z85.decode(key)
    except ValueError:
        raise ValueError(f"{filename}: {what} is not valid Z85") from None
    return key


def load_certificate(filename: PathType) -> tuple[bytes, Optional[bytes]]:
    """Read the keys of a certificate file.

    Parameters
    ----------
    filename : str or os.PathLike
        A public (``NAME.key``) or secret (``NAME.key_secret``) certificate.

    Returns
    -------
    tuple
        ``(public_key, secret_key)``, both Z85-encoded bytes; ``secret_key`` is None for a
        public certificate.

    Raises
    ------
    OSError
        The file cannot be read.
    ValueError
        The file is not a certificate, or its keys are malformed.
    """
    path = os.fspath(filename)
    if not os.path.isfile(path):
        raise OSError(f"Invalid certificate file: {path}")  # the plain OSError pyzmq raises
    with open(path, encoding="utf-8") as f:
        text = f.read()
    curve = _parse_zpl(text, path).get("curve", {})
    public_key = _checked_key(curve.get("public-key"), "public-key", path)
    if public_key is None:
        raise ValueError(f"{path} is not a CURVE certificate: it has no curve/public-key")
    secret_key = _checked_key(curve.get("secret-key"), "secret-key", path)
    return public_key, secret_key


def load_certificates(directory: PathType = ".") -> dict[bytes, bool]:
    """The public keys of every public certificate (``*.key``) in ``directory``.

    Parameters
    ----------
    directory : str or os.PathLike
        Directory of certificates. Secret certificates (``*.key_secret``) and other files
        are ignored.

    Returns
    -------
    dict
        ``{public_key: True}`` for each certificate, keys Z85-encoded bytes: the form
        :meth:`zmq.auth.Authenticator.configure_curve` uses to look clients up.

    Raises
    ------
    OSError
        ``directory`` does not exist or cannot be read.
    ValueError
        A ``*.key`` file is not a valid certificate.
    """
    path = os.fspath(directory)
    if not os.path.isdir(path):
        raise OSError(f"Invalid certificate directory: {path}")  # the plain OSError pyzmq raises
    keys: dict[bytes, bool] = {}
    for entry in sorted(os.listdir(path)):
        full = os.path.join(path, entry)
        if entry.endswith(_PUBLIC_SUFFIX) and os.path.isfile(full):
            public_key, _ = load_certificate(full)
            keys[public_key] = True
    return keys
