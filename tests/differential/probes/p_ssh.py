"""zmq.ssh: what works without an SSH server (names, signatures, select_random_ports,
argument errors of the tunnel helpers). No real ssh connection is made."""
import inspect

import zmq
from _probe import call, probe, rec

COVERS = ("zmq.ssh", "zmq.ssh.tunnel")

FUNCTIONS = ("openssh_tunnel", "paramiko_tunnel", "ssh_tunnel", "try_passwordless_ssh", "tunnel_connection",
             "select_random_ports", "open_tunnel")


@probe
def probe_ssh_names():
    import zmq.ssh
    import zmq.ssh.tunnel

    rec([n for n in ("openssh_tunnel", "paramiko_tunnel", "ssh_tunnel", "try_passwordless_ssh", "tunnel",
                     "tunnel_connection") if not hasattr(zmq.ssh, n)])
    rec([n for n in FUNCTIONS if not hasattr(zmq.ssh.tunnel, n)])
    rec(zmq.ssh.tunnel is zmq.ssh.tunnel)
    rec(zmq.ssh.tunnel_connection is zmq.ssh.tunnel.tunnel_connection)


@probe
def probe_ssh_signatures():
    import zmq.ssh.tunnel as t

    for name in FUNCTIONS:
        params = inspect.signature(getattr(t, name)).parameters.values()
        # (ours also takes a keyword-only ssh_config, and ssh_tunnel a trailing paramiko)
        rec([(p.name, p.default if p.default is not inspect.Parameter.empty else "<none>") for p in params
             if p.kind is not inspect.Parameter.KEYWORD_ONLY and not (name == "ssh_tunnel" and p.name == "paramiko")],
            name)


@probe
def probe_select_random_ports():
    from zmq.ssh.tunnel import select_random_ports

    ports = select_random_ports(5)
    rec(type(ports).__name__)
    rec(len(ports))
    rec(len(set(ports)))
    rec(all(isinstance(p, int) and 0 < p < 65536 for p in ports))


@probe
def probe_select_random_ports_are_free():
    import socket

    from zmq.ssh.tunnel import select_random_ports

    ok = []
    for port in select_random_ports(3):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            ok.append(True)
        except OSError:
            ok.append(False)
        finally:
            s.close()
    rec(ok)


@probe
def probe_select_random_ports_edge_cases():
    from zmq.ssh.tunnel import select_random_ports

    call(select_random_ports, 0)
    call(lambda: len(select_random_ports(1)))
    call(select_random_ports, -1)
    call(select_random_ports, "2")
    call(select_random_ports, 1.5)
    call(select_random_ports, None)


@probe
def probe_select_random_ports_bindable_by_zmq():
    from zmq.ssh.tunnel import select_random_ports

    ctx = zmq.Context()
    s = ctx.socket(zmq.PULL)
    s.linger = 0
    port = select_random_ports(1)[0]
    call(lambda: s.bind(f"tcp://127.0.0.1:{port}") and None)
    s.close()
    ctx.term()


@probe(timeout=10)
def probe_open_tunnel_non_tcp():
    from zmq.ssh.tunnel import open_tunnel

    call(open_tunnel, "ipc:///tmp/x", "user@localhost")
    call(open_tunnel, "inproc://x", "user@localhost")


@probe(timeout=10)
def probe_tunnel_connection_non_tcp():
    from zmq.ssh.tunnel import tunnel_connection

    ctx = zmq.Context()
    s = ctx.socket(zmq.REQ)
    s.linger = 0
    call(tunnel_connection, s, "ipc:///tmp/x", "user@localhost")
    rec(s.closed)
    s.close()
    ctx.term()


@probe(timeout=10)
def probe_open_tunnel_bad_urls():
    from zmq.ssh.tunnel import open_tunnel

    call(open_tunnel, "tcp://10.0.0.1", "user@localhost")
    call(open_tunnel, "tcp://10.0.0.1:notaport", "user@localhost")
    call(open_tunnel, "not a url", "user@localhost")
    call(open_tunnel, 5, "user@localhost")
