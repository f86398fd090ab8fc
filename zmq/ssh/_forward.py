"""Paramiko side of :mod:`zmq.ssh.tunnel`: connecting, and the forwarding process.

:func:`connect` opens an SSH connection the way OpenSSH would for ``server``, reading the
same ``ssh_config`` settings (HostName, Port, User, IdentityFile, IdentitiesOnly,
IdentityAgent, UserKnownHostsFile, GlobalKnownHostsFile, StrictHostKeyChecking).

Run as a script (``python _forward.py``), this module is one tunnel: it reads its settings
as one JSON line on stdin, connects, listens on ``127.0.0.1:lport``, prints ``READY`` (or
``ERROR <reason>``) and forwards every accepted connection to ``remoteip:rport`` through
the SSH server. It exits once ``timeout`` seconds have passed and no forwarded connection
is open (or when the SSH connection drops). It imports nothing from zmq, so it starts fast
and works wherever paramiko does.
"""
from __future__ import annotations

import getpass
import json
import os
import select
import socket
import sys
import threading
import time
from typing import Any, Optional

__all__ = ["connect", "load_paramiko", "split_server"]

_CHUNK = 65536


def load_paramiko() -> Any:
    """Import paramiko, or raise an ImportError saying how to get it."""
    try:
        import paramiko  # type: ignore[import-untyped,unused-ignore]
    except ImportError as e:
        raise ImportError(
            "SSH tunnels through paramiko need the paramiko package: pip install paramiko "
            "(or use OpenSSH's ssh command with paramiko=False)"
        ) from e
    return paramiko


def split_server(server: str) -> tuple[Optional[str], str, Optional[int]]:
    """Split ``[user@]host[:port]`` (``host`` may be a bracketed IPv6 address).

    Returns
    -------
    tuple
        ``(user or None, host, port or None)``.
    """
    user, _, hostport = server.rpartition("@")
    port: Optional[str] = None
    if hostport.startswith("["):
        host, _, rest = hostport[1:].partition("]")
        if rest.startswith(":"):
            port = rest[1:]
    elif hostport.count(":") == 1:
        host, port = hostport.split(":")
    else:
        host = hostport
    if not host:
        raise ValueError(f"no host in SSH server {server!r}")
    try:
        number = int(port) if port else None
    except ValueError:
        raise ValueError(f"invalid port in SSH server {server!r}") from None
    return user or None, host, number


def _host_config(paramiko: Any, host: str, ssh_config: Optional[str]) -> dict[str, Any]:
    """The ssh_config settings for ``host`` (from ``ssh_config``, else ~/.ssh/config)."""
    path = ssh_config or os.path.expanduser("~/.ssh/config")
    if not os.path.isfile(path):
        if ssh_config:
            raise FileNotFoundError(f"ssh config file {ssh_config!r} does not exist")
        return {}
    config = paramiko.SSHConfig.from_path(path)
    found: dict[str, Any] = config.lookup(host)
    return found


def _is_no(value: Any) -> bool:
    return str(value).lower() in ("no", "none", "off", "false")


def _load_host_keys(client: Any, settings: dict[str, Any]) -> None:
    """Load the known hosts files OpenSSH would read with ``settings``."""
    user_files = str(settings.get("userknownhostsfile", "~/.ssh/known_hosts")).split()
    global_files = str(settings.get("globalknownhostsfile", "/etc/ssh/ssh_known_hosts")).split()
    for name in global_files + user_files:
        path = os.path.expanduser(name)
        if os.path.isfile(path):
            client.load_system_host_keys(path)


def connect(
    server: str,
    keyfile: Optional[str] = None,
    password: Optional[str] = None,
    ssh_config: Optional[str] = None,
    timeout: float = 60,
) -> Any:
    """An authenticated ``paramiko.SSHClient`` connected to ``server``.

    Parameters
    ----------
    server : str
        ``[user@]host[:port]``; ``host`` may be an alias of the ssh config file.
    keyfile : str, optional
        Private key to authenticate with (else the config's IdentityFile, the agent and
        the default keys, as OpenSSH would).
    password : str, optional
        Password, also used as the key's passphrase.
    ssh_config : str, optional
        OpenSSH client config file to read (default ``~/.ssh/config`` when it exists).
    timeout : float
        Seconds allowed for connecting and authenticating.

    Notes
    -----
    Unknown host keys are refused unless the config says ``StrictHostKeyChecking no``
    (or ``accept-new``), in which case they are accepted for this connection.
    """
    paramiko = load_paramiko()
    user, host, port = split_server(server)
    settings = _host_config(paramiko, host, ssh_config)
    client = paramiko.SSHClient()
    _load_host_keys(client, settings)
    checking = str(settings.get("stricthostkeychecking", "ask")).lower()
    if checking in ("no", "off", "accept-new"):
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    else:
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
    key_files = [keyfile] if keyfile else [os.path.expanduser(p) for p in settings.get("identityfile", [])]
    identities_only = str(settings.get("identitiesonly", "no")).lower() == "yes"
    try:
        client.connect(
            settings.get("hostname", host),
            port=port or int(settings.get("port", 22)),
            username=user or settings.get("user") or getpass.getuser(),
            key_filename=[p for p in key_files if os.path.isfile(p)] or None,
            password=password,
            passphrase=password,
            look_for_keys=not identities_only,
            allow_agent=not identities_only and not _is_no(settings.get("identityagent", "")),
            timeout=timeout,
            banner_timeout=timeout,
            auth_timeout=timeout,
        )
    except BaseException:
        client.close()
        raise
    return client


# -- the forwarding process -----------------------------------------------------------------


class _Forwarder:
    """Forward connections accepted on ``listener`` to ``(remoteip, rport)`` over ``transport``."""

    def __init__(self, transport: Any, listener: socket.socket, remote: tuple[str, int]) -> None:
        self.transport = transport
        self.listener = listener
        self.remote = remote
        self.active = 0
        self.lock = threading.Lock()

    def serve(self, timeout: float) -> None:
        """Accept and forward until ``timeout`` has passed with nothing open, or the SSH
        connection is gone."""
        deadline = time.monotonic() + timeout
        while self.transport.is_active():
            with self.lock:
                idle = self.active == 0
            if idle and time.monotonic() >= deadline:
                return
            readable, _, _ = select.select([self.listener], [], [], 0.5)
            if readable:
                conn, peer = self.listener.accept()
                threading.Thread(target=self._forward, args=(conn, peer), daemon=True).start()

    def _forward(self, conn: socket.socket, peer: Any) -> None:
        with self.lock:
            self.active += 1
        try:
            try:
                channel = self.transport.open_channel("direct-tcpip", self.remote, peer[:2])
            except Exception as e:
                print(f"forwarding to {self.remote} failed: {e}", file=sys.stderr, flush=True)
                return
            try:
                _pump(conn, channel)
            finally:
                channel.close()
        finally:
            conn.close()
            with self.lock:
                self.active -= 1


def _pump(conn: socket.socket, channel: Any) -> None:
    """Copy bytes both ways until either side closes."""
    while True:
        readable, _, _ = select.select([conn, channel], [], [], 1.0)
        if conn in readable:
            data = conn.recv(_CHUNK)
            if not data:
                return
            channel.sendall(data)
        if channel in readable:
            data = channel.recv(_CHUNK)
            if not data:
                return
            conn.sendall(data)
        if channel.closed:
            return


def _main() -> int:
    """One tunnel, configured by a JSON line on stdin (see the module docstring)."""
    try:
        opts = json.loads(sys.stdin.readline())
        sys.stdin.close()
        client = connect(opts["server"], opts.get("keyfile"), opts.get("password"), opts.get("ssh_config"), opts["timeout"])
    except Exception as e:
        print(f"ERROR {type(e).__name__}: {e}", flush=True)
        return 1
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.bind(("127.0.0.1", int(opts["lport"])))
        listener.listen(16)
    except OSError as e:
        print(f"ERROR cannot listen on 127.0.0.1:{opts['lport']}: {e}", flush=True)
        client.close()
        return 1
    print("READY", flush=True)
    try:
        _Forwarder(client.get_transport(), listener, (opts["remoteip"], int(opts["rport"]))).serve(opts["timeout"])
    finally:
        listener.close()
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(_main())
