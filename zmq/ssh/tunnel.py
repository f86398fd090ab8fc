"""Connect zmq sockets to endpoints reachable only through an SSH server.

:func:`tunnel_connection` is the usual entry point::

    tunnel = tunnel_connection(sock, "tcp://10.0.0.5:5555", "me@gateway.example.com")
    ...
    tunnel.terminate()

It picks a free local port, forwards it over SSH to the endpoint (as seen from the SSH
server), and connects the socket to ``tcp://127.0.0.1:<local port>``.

Two SSH implementations are available:

- OpenSSH's ``ssh`` command (the default except on Windows): keys, agent and
  ``~/.ssh/config`` work as on the command line. Without ``password``, ssh asks for one
  itself on the terminal when it needs to; with ``password``, the prompts are answered
  through :mod:`pexpect` (an optional dependency: ``pip install pexpect``).
- :mod:`paramiko` (``paramiko=True``; optional: ``pip install paramiko``), run in a small
  helper process per tunnel, reading the same ssh config settings.

Every function also takes a keyword-only ``ssh_config``: the path of an OpenSSH client
config file used instead of ``~/.ssh/config`` (for both implementations).

A tunnel stays up for ``timeout`` seconds, and after that for as long as a forwarded
connection is open: a socket that disconnects for good lets it close by itself. Stop one
sooner with its ``terminate()`` method (then ``wait()``, or ``close()`` for pexpect's).
"""
from __future__ import annotations

import getpass
import json
import os
import secrets
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any, Optional, Union

from zmq.ssh._forward import connect as _paramiko_connect
from zmq.ssh._forward import load_paramiko, split_server

__all__ = [
    "open_tunnel", "openssh_tunnel", "paramiko_tunnel", "select_random_ports", "ssh_tunnel",
    "try_passwordless_ssh", "tunnel_connection",
]

#: What the tunnel functions return: the process keeping the tunnel open.
Tunnel = Union["subprocess.Popen[bytes]", Any]

_FORWARDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_forward.py")
_PASSWORD_PROMPTS = [rb"(?i)passphrase for key[^:]*:", rb"(?i)password[^:\r\n]*:"]
_MAX_PROMPTS = 3


def select_random_ports(n: int) -> list[int]:
    """``n`` distinct TCP ports of 127.0.0.1 that are free right now.

    The OS picks them (bind to port 0); they are released before returning, so another
    process could take one in the meantime.
    """
    sockets: list[socket.socket] = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(s)
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _use_paramiko(paramiko: Optional[bool]) -> bool:
    return sys.platform == "win32" if paramiko is None else bool(paramiko)


def _ssh_executable() -> str:
    path = shutil.which("ssh")
    if path is None:
        raise FileNotFoundError(
            "OpenSSH's ssh command was not found on PATH: install an OpenSSH client, or "
            "use paramiko=True"
        )
    return path


def _ssh_args(server: str, keyfile: Optional[str], ssh_config: Optional[str], timeout: float) -> tuple[list[str], str]:
    """The ssh options for ``server`` and its destination argument."""
    user, host, port = split_server(server)
    args = ["-o", f"ConnectTimeout={max(1, int(timeout))}"]
    if ssh_config:
        args += ["-F", os.fspath(ssh_config)]
    if keyfile:
        args += ["-i", os.fspath(keyfile)]
    if port:
        args += ["-p", str(port)]
    return args, f"{user}@{host}" if user else host


# -- passwordless check -----------------------------------------------------------------------


def try_passwordless_ssh(
    server: str, keyfile: Optional[str], paramiko: Optional[bool] = None, *, ssh_config: Optional[str] = None
) -> bool:
    """Whether ``server`` accepts us without a password (by key or agent).

    Parameters
    ----------
    server : str
        ``[user@]host[:port]``.
    keyfile : str or None
        Private key to offer (besides the defaults, as ssh would).
    paramiko : bool, optional
        Check with paramiko instead of OpenSSH (default: paramiko on Windows only).
    ssh_config : str, optional
        OpenSSH client config file to use instead of ``~/.ssh/config``.

    Returns
    -------
    bool
        True when a connection was authenticated without any prompt; False on any failure
        (refused key, unknown host key, unreachable server...).
    """
    if _use_paramiko(paramiko):
        return _try_passwordless_paramiko(server, keyfile, ssh_config)
    return _try_passwordless_openssh(server, keyfile, ssh_config)


def _try_passwordless_openssh(server: str, keyfile: Optional[str], ssh_config: Optional[str]) -> bool:
    args, dest = _ssh_args(server, keyfile, ssh_config, timeout=15)
    cmd = [_ssh_executable(), "-n", "-o", "BatchMode=yes", *args, dest, "exit"]
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    except subprocess.TimeoutExpired:
        return False
    return proc.returncode == 0


def _try_passwordless_paramiko(server: str, keyfile: Optional[str], ssh_config: Optional[str]) -> bool:
    paramiko = load_paramiko()
    try:
        client = _paramiko_connect(server, keyfile, None, ssh_config, timeout=15)
    except (paramiko.SSHException, OSError):
        return False
    client.close()
    return True


# -- OpenSSH ---------------------------------------------------------------------------------


def openssh_tunnel(
    lport: int,
    rport: int,
    server: str,
    remoteip: str = "127.0.0.1",
    keyfile: Optional[str] = None,
    password: Optional[str] = None,
    timeout: float = 60,
    *,
    ssh_config: Optional[str] = None,
) -> Tunnel:
    """Forward ``127.0.0.1:lport`` to ``remoteip:rport`` (as seen from ``server``) with
    OpenSSH's ``ssh`` command.

    Parameters
    ----------
    lport : int
        Local port to listen on (127.0.0.1 only).
    rport : int
        Port to reach from the SSH server.
    server : str
        ``[user@]host[:port]`` (``host`` may be an alias of the ssh config).
    remoteip : str
        Address to reach from the SSH server.
    keyfile : str, optional
        Private key to authenticate with.
    password : str, optional
        Answer to ssh's password (or key passphrase) prompts; needs :mod:`pexpect`.
        Without it ssh authenticates by key or agent, or asks on the terminal.
    timeout : float
        Seconds to wait for the tunnel to come up, and the least time it stays open.
    ssh_config : str, optional
        OpenSSH client config file to use instead of ``~/.ssh/config``.

    Returns
    -------
    subprocess.Popen or pexpect.spawn
        The ssh process, ready: the local port accepts connections. ``terminate()`` it to
        close the tunnel early.

    Raises
    ------
    RuntimeError
        ssh failed (authentication, host key, port already taken...); the message has
        ssh's own explanation.
    ImportError
        ``password`` was given and pexpect is not installed.
    """
    ssh = _ssh_executable()
    args, dest = _ssh_args(server, keyfile, ssh_config, timeout)
    marker = f"cyzmq-tunnel-ready-{secrets.token_hex(6)}"
    fd, log_path = tempfile.mkstemp(prefix="cyzmq-ssh-", suffix=".log")
    os.close(fd)
    cmd = [
        ssh, "-n", "-E", log_path,
        "-o", "ExitOnForwardFailure=yes",
        "-L", f"127.0.0.1:{int(lport)}:{remoteip}:{int(rport)}",
        *args, dest,
        f"echo {marker}; sleep {max(1, int(timeout))}",
    ]
    try:
        if password is not None:
            return _spawn_with_password(cmd, password, marker, timeout, log_path)
        return _spawn(cmd, marker, timeout, log_path)
    finally:
        try:
            os.unlink(log_path)  # ssh keeps its descriptor; the file goes when ssh exits
        except OSError:
            pass


def _ssh_failure(log_path: str, what: str) -> RuntimeError:
    try:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            log = f.read().strip()
    except OSError:
        log = ""
    return RuntimeError(f"ssh tunnel {what}" + (f": {log}" if log else ""))


def _spawn(cmd: list[str], marker: str, timeout: float, log_path: str) -> "subprocess.Popen[bytes]":
    """Run ssh and wait for ``marker`` on its output (the remote command's echo)."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    try:
        ready, _ = _read_until(proc, marker.encode(), timeout, keep=4096)
    except BaseException:
        _kill(proc)
        raise
    finally:
        proc.stdout.close()
    if not ready:
        returncode = proc.poll()
        _kill(proc)
        raise _ssh_failure(log_path, "did not come up in time" if returncode is None else f"failed (exit {returncode})")
    return proc


def _read_until(
    proc: "subprocess.Popen[bytes]", wanted: bytes, timeout: float, keep: Optional[int] = None
) -> tuple[bool, bytes]:
    """Read ``proc``'s output until ``wanted`` shows up in it.

    Returns ``(found, data)``: ``found`` is False when ``proc`` closed its output (it
    exited) or ``timeout`` seconds passed first. ``data`` is what was read (its last
    ``keep`` bytes only, when given).
    """
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    data = b""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while wanted not in data:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                return False, data
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                return False, data
            data = data + chunk if keep is None else (data + chunk)[-keep:]
    return True, data


def _kill(proc: "subprocess.Popen[bytes]") -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _load_pexpect() -> Any:
    try:
        import pexpect  # type: ignore[import-untyped,unused-ignore]
    except ImportError as e:
        raise ImportError(
            "answering ssh's password prompt needs the pexpect package: pip install pexpect "
            "(or use key authentication, or paramiko=True)"
        ) from e
    return pexpect


def _spawn_with_password(cmd: list[str], password: str, marker: str, timeout: float, log_path: str) -> Any:
    """Run ssh under pexpect, answering its password/passphrase prompts with ``password``."""
    pexpect = _load_pexpect()
    child = pexpect.spawn(cmd[0], cmd[1:], timeout=timeout, echo=False)
    patterns = [marker.encode(), pexpect.EOF, pexpect.TIMEOUT, *_PASSWORD_PROMPTS]
    deadline = time.monotonic() + timeout
    prompts = 0
    try:
        while True:
            index = child.expect(patterns, timeout=max(0.0, deadline - time.monotonic()))
            if index == 0:
                return child
            if index == 1:
                raise _ssh_failure(log_path, "failed")
            if index == 2:
                raise _ssh_failure(log_path, "did not come up in time")
            prompts += 1
            if prompts > _MAX_PROMPTS:
                raise _ssh_failure(log_path, "failed: the password was refused")
            child.sendline(password)
    except BaseException:
        child.close(force=True)
        raise


# -- paramiko --------------------------------------------------------------------------------


def paramiko_tunnel(
    lport: int,
    rport: int,
    server: str,
    remoteip: str = "127.0.0.1",
    keyfile: Optional[str] = None,
    password: Optional[str] = None,
    timeout: float = 60,
    *,
    ssh_config: Optional[str] = None,
) -> "subprocess.Popen[bytes]":
    """Forward ``127.0.0.1:lport`` to ``remoteip:rport`` (as seen from ``server``) with
    paramiko, in a helper process.

    Parameters are those of :func:`openssh_tunnel`. Without ``password``, keys and the
    agent are tried; if they fail and a terminal is at hand, the password is asked for.

    Returns
    -------
    subprocess.Popen
        The helper process, ready: the local port accepts connections.

    Raises
    ------
    ImportError
        paramiko is not installed.
    RuntimeError
        Connecting or authenticating failed, or the local port is taken.
    """
    load_paramiko()
    if password is None and sys.stdin is not None and sys.stdin.isatty():
        if not try_passwordless_ssh(server, keyfile, paramiko=True, ssh_config=ssh_config):
            password = getpass.getpass(f"SSH password for {server}: ")
    settings = {
        "server": server, "keyfile": keyfile, "password": password, "ssh_config": ssh_config,
        "lport": int(lport), "rport": int(rport), "remoteip": remoteip, "timeout": timeout,
    }
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(
            [sys.executable, _FORWARDER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
        )
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(json.dumps(settings).encode() + b"\n")
            proc.stdin.close()
            _, data = _read_until(proc, b"\n", timeout + 5)
            line = data.split(b"\n", 1)[0]
        except BaseException:
            _kill(proc)
            proc.stdout.close()
            raise
        proc.stdout.close()
        if line.strip() == b"READY":
            return proc
        _kill(proc)
        errors.seek(0)
        detail = line.decode(errors="replace").strip().removeprefix("ERROR ") or errors.read().decode(errors="replace")
        raise RuntimeError(f"paramiko tunnel to {server} failed: {detail.strip() or 'no reason given'}")


# -- choosing, and connecting sockets --------------------------------------------------------


def ssh_tunnel(
    lport: int,
    rport: int,
    server: str,
    remoteip: str = "127.0.0.1",
    keyfile: Optional[str] = None,
    password: Optional[str] = None,
    timeout: float = 60,
    paramiko: Optional[bool] = None,
    *,
    ssh_config: Optional[str] = None,
) -> Tunnel:
    """Forward ``127.0.0.1:lport`` to ``remoteip:rport`` through ``server``, with
    :func:`paramiko_tunnel` or :func:`openssh_tunnel`.

    Parameters are those of :func:`openssh_tunnel`, plus ``paramiko`` (use paramiko;
    default: on Windows only). Returns the tunnel process.
    """
    tunnel = paramiko_tunnel if _use_paramiko(paramiko) else openssh_tunnel
    return tunnel(lport, rport, server, remoteip, keyfile, password, timeout, ssh_config=ssh_config)


def _split_tcp_url(addr: str) -> tuple[str, int]:
    """``tcp://ip:port`` -> (ip, port); ``*`` and ``0.0.0.0`` mean the server's loopback."""
    scheme, sep, rest = addr.partition("://")
    if not sep or scheme != "tcp":
        raise ValueError(f"SSH tunnels carry tcp:// endpoints only, not {addr!r}")
    ip, sep, port = rest.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"no port in {addr!r}")
    ip = ip[1:-1] if ip.startswith("[") and ip.endswith("]") else ip
    if ip in ("*", "0.0.0.0", ""):
        ip = "127.0.0.1"
    return ip, int(port)


def open_tunnel(
    addr: str,
    server: str,
    keyfile: Optional[str] = None,
    password: Optional[str] = None,
    paramiko: Optional[bool] = None,
    timeout: float = 60,
    *,
    ssh_config: Optional[str] = None,
) -> tuple[str, Tunnel]:
    """Open a tunnel to the zmq endpoint ``addr`` (as seen from ``server``) on a free local
    port.

    Parameters
    ----------
    addr : str
        ``tcp://ip:port`` endpoint, reachable from the SSH server.
    server, keyfile, password, paramiko, timeout, ssh_config
        As for :func:`ssh_tunnel`.

    Returns
    -------
    tuple
        ``(url, tunnel)``: the local ``tcp://127.0.0.1:port`` to connect to instead of
        ``addr``, and the tunnel process.
    """
    ip, rport = _split_tcp_url(addr)
    lport = select_random_ports(1)[0]
    tunnel = ssh_tunnel(lport, rport, server, ip, keyfile, password, timeout, paramiko, ssh_config=ssh_config)
    return f"tcp://127.0.0.1:{lport}", tunnel


def tunnel_connection(
    socket: Any,
    addr: str,
    server: str,
    keyfile: Optional[str] = None,
    password: Optional[str] = None,
    paramiko: Optional[bool] = None,
    timeout: float = 60,
    *,
    ssh_config: Optional[str] = None,
) -> Tunnel:
    """Connect ``socket`` to ``addr`` through an SSH tunnel via ``server``.

    Parameters
    ----------
    socket : zmq.Socket
        The socket to connect.
    addr : str
        ``tcp://ip:port`` endpoint, reachable from the SSH server.
    server : str
        ``[user@]host[:port]`` of the SSH server.
    keyfile, password, paramiko, timeout, ssh_config
        As for :func:`ssh_tunnel`.

    Returns
    -------
    subprocess.Popen or pexpect.spawn
        The tunnel process (see :func:`openssh_tunnel`, :func:`paramiko_tunnel`).
    """
    url, tunnel = open_tunnel(addr, server, keyfile, password, paramiko, timeout, ssh_config=ssh_config)
    socket.connect(url)
    return tunnel
