"""zmq.ssh: tunnels through a real OpenSSH server started here on 127.0.0.1.

The module starts its own ``sshd`` (throwaway host and user keys in a temp directory,
public key authentication only, listening on 127.0.0.1) and stops it at the end. The
clients use a config file of their own (``ssh_config=``) that trusts only that server's
host key, so neither ~/.ssh nor any agent is involved. Tests skip only where the OpenSSH
server or client programs cannot be found (Debian: openssh-server, openssh-client).
"""
from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

import zmq
from zmq.ssh import (
    open_tunnel,
    openssh_tunnel,
    paramiko_tunnel,
    select_random_ports,
    ssh_tunnel,
    try_passwordless_ssh,
    tunnel_connection,
)

SBIN_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin", "/sbin"])
SSHD = shutil.which("sshd", path=SBIN_PATH)
SSH = shutil.which("ssh")
SSH_KEYGEN = shutil.which("ssh-keygen")
MISSING = [name for name, path in (("sshd", SSHD), ("ssh", SSH), ("ssh-keygen", SSH_KEYGEN)) if path is None]
needs_openssh = pytest.mark.skipif(
    bool(MISSING), reason=f"OpenSSH not found: {', '.join(MISSING)} (Debian: apt-get install openssh-server openssh-client)"
)

try:
    import paramiko  # noqa: F401

    HAVE_PARAMIKO = True
except ImportError:
    HAVE_PARAMIKO = False
try:
    import pexpect  # noqa: F401

    HAVE_PEXPECT = True
except ImportError:
    HAVE_PEXPECT = False
needs_paramiko = pytest.mark.skipif(not HAVE_PARAMIKO, reason="paramiko is not installed")
needs_pexpect = pytest.mark.skipif(not HAVE_PEXPECT, reason="pexpect is not installed")

TUNNEL_TIMEOUT = 15  # seconds a tunnel stays up at least (and may take to come up)
PASSPHRASE = "open sesame"
PRIVSEP_DIR = "/run/sshd"


# -- the server -------------------------------------------------------------------------------


def _keygen(path, passphrase=""):
    subprocess.run(
        [SSH_KEYGEN, "-q", "-t", "ed25519", "-N", passphrase, "-C", "cyzmq-test", "-f", str(path)],
        check=True, timeout=30, stdin=subprocess.DEVNULL,
    )


def _wait_for_port(proc, port, log, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)  # (sshd signals readiness only by listening: a bounded poll)
    return False


class SSHServer:
    """A running sshd and what clients need to reach it."""

    def __init__(self, directory):
        self.dir = directory
        self.user = getpass.getuser()
        self.host_key = directory / "host_key"
        self.key = directory / "user_key"  # authorized, no passphrase
        self.locked_key = directory / "locked_key"  # authorized, protected by PASSPHRASE
        self.stranger_key = directory / "stranger_key"  # not authorized
        for path in (self.host_key, self.key, self.stranger_key):
            _keygen(path)
        _keygen(self.locked_key, PASSPHRASE)
        authorized = directory / "authorized_keys"
        authorized.write_text(
            (directory / "user_key.pub").read_text() + (directory / "locked_key.pub").read_text()
        )
        self.log = directory / "sshd.log"
        self.proc = None
        self.port = 0
        for _ in range(3):  # the free port we pick may be taken before sshd binds it
            self.port = select_random_ports(1)[0]
            config = directory / "sshd_config"
            config.write_text(
                "\n".join(
                    [
                        "ListenAddress 127.0.0.1",
                        f"Port {self.port}",
                        f"HostKey {self.host_key}",
                        f"PidFile {directory / 'sshd.pid'}",
                        f"AuthorizedKeysFile {authorized}",
                        "StrictModes no",
                        "UsePAM no",
                        "PubkeyAuthentication yes",
                        "PasswordAuthentication no",
                        "KbdInteractiveAuthentication no",
                        "PermitRootLogin prohibit-password",
                        "AllowTcpForwarding yes",
                        "X11Forwarding no",
                        "PrintMotd no",
                        "MaxStartups 100",
                        "",
                    ]
                )
            )
            self.proc = subprocess.Popen(
                [SSHD, "-D", "-f", str(config), "-E", str(self.log)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            if _wait_for_port(self.proc, self.port, self.log):
                break
            self.stop()
        else:
            raise RuntimeError(f"sshd did not start: {self.log.read_text() if self.log.exists() else ''}")
        known_hosts = directory / "known_hosts"
        host_public = (directory / "host_key.pub").read_text().split()
        known_hosts.write_text(f"[127.0.0.1]:{self.port} {host_public[0]} {host_public[1]}\n")
        self.config = str(self._client_config("ssh_config", known_hosts))
        self.untrusting_config = str(self._client_config("ssh_config_no_hosts", directory / "empty_known_hosts"))
        (directory / "empty_known_hosts").write_text("")
        self.server = f"{self.user}@127.0.0.1:{self.port}"

    def _client_config(self, name, known_hosts):
        path = self.dir / name
        path.write_text(
            "Host *\n"
            f"    UserKnownHostsFile {known_hosts}\n"
            "    GlobalKnownHostsFile /dev/null\n"
            "    StrictHostKeyChecking yes\n"
            "    IdentitiesOnly yes\n"
            "    IdentityAgent none\n"
            "    PasswordAuthentication no\n"
            "    KbdInteractiveAuthentication no\n"
        )
        return path

    def accepted_logins(self):
        return self.log.read_text().count("Accepted publickey")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    if MISSING:
        pytest.skip(f"OpenSSH not found: {', '.join(MISSING)}")
    if os.geteuid() == 0 and not os.path.isdir(PRIVSEP_DIR):
        # sshd run as root wants its (empty) privilege separation directory, which the
        # system's ssh service normally creates at boot.
        os.makedirs(PRIVSEP_DIR, mode=0o755, exist_ok=True)
    server = SSHServer(tmp_path_factory.mktemp("sshd"))
    yield server
    server.stop()


@pytest.fixture
def tunnels():
    """Tunnels to stop at teardown: append every tunnel process a test opens."""
    opened = []
    yield opened
    for t in opened:
        stop_tunnel(t)


def stop_tunnel(t):
    if hasattr(t, "expect"):  # pexpect.spawn
        t.close(force=True)
    else:
        if t.poll() is None:
            t.terminate()
        t.wait(10)


def rep_server(sockets):
    rep = sockets(zmq.REP, rcvtimeo=10_000, sndtimeo=10_000)
    port = rep.bind_to_random_port("tcp://127.0.0.1")
    return rep, port


def exchange(req, rep, n=3):
    for i in range(n):
        req.send(f"ping {i}".encode())
        assert rep.recv() == f"ping {i}".encode()
        rep.send(f"pong {i}".encode())
        assert req.recv() == f"pong {i}".encode()


def new_req(sockets):
    return sockets(zmq.REQ, rcvtimeo=10_000, sndtimeo=10_000)


# -- tests that need no server ----------------------------------------------------------------


def test_select_random_ports():
    ports = select_random_ports(4)
    assert len(set(ports)) == 4
    for port in ports:
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))  # free indeed


@pytest.mark.parametrize("addr", ["ipc:///tmp/x", "inproc://x", "tcp://127.0.0.1", "127.0.0.1:5555"])
def test_open_tunnel_needs_tcp_with_port(addr):
    with pytest.raises(ValueError):
        open_tunnel(addr, "nobody@127.0.0.1")


def test_paramiko_missing_is_a_clear_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "paramiko", None)
    with pytest.raises(ImportError, match="pip install paramiko"):
        paramiko_tunnel(1, 2, "nobody@127.0.0.1")
    with pytest.raises(ImportError, match="pip install paramiko"):
        try_passwordless_ssh("nobody@127.0.0.1", None, paramiko=True)


@needs_openssh
def test_pexpect_missing_is_a_clear_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "pexpect", None)
    with pytest.raises(ImportError, match="pip install pexpect"):
        openssh_tunnel(select_random_ports(1)[0], 2, "nobody@127.0.0.1:1", password="x", timeout=5)


# -- OpenSSH ----------------------------------------------------------------------------------


@needs_openssh
def test_try_passwordless_openssh(sshd):
    assert try_passwordless_ssh(sshd.server, str(sshd.key), paramiko=False, ssh_config=sshd.config)
    assert not try_passwordless_ssh(sshd.server, None, paramiko=False, ssh_config=sshd.config)
    assert not try_passwordless_ssh(sshd.server, str(sshd.stranger_key), paramiko=False, ssh_config=sshd.config)
    # A key that needs its passphrase is not passwordless.
    assert not try_passwordless_ssh(sshd.server, str(sshd.locked_key), paramiko=False, ssh_config=sshd.config)
    # Unknown host key: refused like ssh would.
    assert not try_passwordless_ssh(sshd.server, str(sshd.key), paramiko=False, ssh_config=sshd.untrusting_config)


@needs_openssh
def test_tunnel_connection_openssh(sshd, sockets, tunnels):
    rep, port = rep_server(sockets)
    req = new_req(sockets)
    logins = sshd.accepted_logins()
    tunnel = tunnel_connection(
        req, f"tcp://127.0.0.1:{port}", sshd.server, keyfile=str(sshd.key), paramiko=False,
        timeout=TUNNEL_TIMEOUT, ssh_config=sshd.config,
    )
    tunnels.append(tunnel)
    assert isinstance(tunnel, subprocess.Popen) and tunnel.poll() is None
    local = req.get(zmq.LAST_ENDPOINT).decode()
    assert local.startswith("tcp://127.0.0.1:") and not local.endswith(f":{port}")
    exchange(req, rep)
    assert sshd.accepted_logins() == logins + 1  # it did go through our sshd


@needs_openssh
def test_open_tunnel_wildcard_address(sshd, sockets, tunnels):
    rep, port = rep_server(sockets)
    url, tunnel = open_tunnel(
        f"tcp://*:{port}", sshd.server, keyfile=str(sshd.key), paramiko=False,
        timeout=TUNNEL_TIMEOUT, ssh_config=sshd.config,
    )
    tunnels.append(tunnel)
    req = new_req(sockets)
    req.connect(url)
    exchange(req, rep, 1)


@needs_openssh
def test_openssh_tunnel_refused_key(sshd):
    lport, rport = select_random_ports(2)
    with pytest.raises(RuntimeError, match="Permission denied"):
        openssh_tunnel(lport, rport, sshd.server, keyfile=str(sshd.stranger_key), timeout=TUNNEL_TIMEOUT, ssh_config=sshd.config)


@needs_openssh
def test_openssh_tunnel_local_port_taken(sshd):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        lport = taken.getsockname()[1]
        with pytest.raises(RuntimeError):
            openssh_tunnel(lport, 1, sshd.server, keyfile=str(sshd.key), timeout=TUNNEL_TIMEOUT, ssh_config=sshd.config)


@needs_openssh
def test_openssh_tunnel_closes_by_itself(sshd, tunnels):
    lport, rport = select_random_ports(2)
    tunnel = openssh_tunnel(lport, rport, sshd.server, keyfile=str(sshd.key), timeout=2, ssh_config=sshd.config)
    tunnels.append(tunnel)
    # No connection was made: the tunnel ends once its timeout has passed.
    assert tunnel.wait(15) == 0


@needs_openssh
@needs_pexpect
def test_openssh_tunnel_with_passphrase(sshd, sockets, tunnels):
    rep, port = rep_server(sockets)
    lport = select_random_ports(1)[0]
    tunnel = ssh_tunnel(
        lport, port, sshd.server, keyfile=str(sshd.locked_key), password=PASSPHRASE,
        timeout=TUNNEL_TIMEOUT, paramiko=False, ssh_config=sshd.config,
    )
    tunnels.append(tunnel)
    assert tunnel.isalive()
    req = new_req(sockets)
    req.connect(f"tcp://127.0.0.1:{lport}")
    exchange(req, rep)


@needs_openssh
@needs_pexpect
def test_openssh_tunnel_wrong_passphrase(sshd):
    lport, rport = select_random_ports(2)
    with pytest.raises(RuntimeError):
        openssh_tunnel(
            lport, rport, sshd.server, keyfile=str(sshd.locked_key), password="wrong",
            timeout=TUNNEL_TIMEOUT, ssh_config=sshd.config,
        )


# -- paramiko ---------------------------------------------------------------------------------


@needs_openssh
@needs_paramiko
def test_try_passwordless_paramiko(sshd):
    assert try_passwordless_ssh(sshd.server, str(sshd.key), paramiko=True, ssh_config=sshd.config)
    assert not try_passwordless_ssh(sshd.server, None, paramiko=True, ssh_config=sshd.config)
    assert not try_passwordless_ssh(sshd.server, str(sshd.stranger_key), paramiko=True, ssh_config=sshd.config)
    assert not try_passwordless_ssh(sshd.server, str(sshd.key), paramiko=True, ssh_config=sshd.untrusting_config)


@needs_openssh
@needs_paramiko
def test_tunnel_connection_paramiko(sshd, sockets, tunnels):
    rep, port = rep_server(sockets)
    req = new_req(sockets)
    logins = sshd.accepted_logins()
    tunnel = tunnel_connection(
        req, f"tcp://127.0.0.1:{port}", sshd.server, keyfile=str(sshd.key), paramiko=True,
        timeout=TUNNEL_TIMEOUT, ssh_config=sshd.config,
    )
    tunnels.append(tunnel)
    assert tunnel.poll() is None
    exchange(req, rep)
    assert sshd.accepted_logins() == logins + 1


@needs_openssh
@needs_paramiko
def test_paramiko_tunnel_with_passphrase(sshd, sockets, tunnels):
    rep, port = rep_server(sockets)
    lport = select_random_ports(1)[0]
    tunnel = paramiko_tunnel(
        lport, port, sshd.server, keyfile=str(sshd.locked_key), password=PASSPHRASE,
        timeout=TUNNEL_TIMEOUT, ssh_config=sshd.config,
    )
    tunnels.append(tunnel)
    req = new_req(sockets)
    req.connect(f"tcp://127.0.0.1:{lport}")
    exchange(req, rep)


@needs_openssh
@needs_paramiko
def test_paramiko_tunnel_refused(sshd):
    lport, rport = select_random_ports(2)
    with pytest.raises(RuntimeError, match="paramiko tunnel"):
        paramiko_tunnel(lport, rport, sshd.server, keyfile=str(sshd.stranger_key), timeout=TUNNEL_TIMEOUT, ssh_config=sshd.config)
    with pytest.raises(RuntimeError, match="paramiko tunnel"):  # unknown host key
        paramiko_tunnel(lport, rport, sshd.server, keyfile=str(sshd.key), timeout=TUNNEL_TIMEOUT, ssh_config=sshd.untrusting_config)


@needs_openssh
@needs_paramiko
def test_paramiko_tunnel_closes_by_itself(sshd, tunnels):
    lport, rport = select_random_ports(2)
    tunnel = paramiko_tunnel(lport, rport, sshd.server, keyfile=str(sshd.key), timeout=2, ssh_config=sshd.config)
    tunnels.append(tunnel)
    assert tunnel.wait(15) == 0
