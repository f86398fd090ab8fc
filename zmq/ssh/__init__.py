"""SSH tunnels for zmq connections: see :mod:`zmq.ssh.tunnel`."""
from zmq.ssh import tunnel
from zmq.ssh.tunnel import (
    open_tunnel,
    openssh_tunnel,
    paramiko_tunnel,
    select_random_ports,
    ssh_tunnel,
    try_passwordless_ssh,
    tunnel_connection,
)

__all__ = [
    "open_tunnel", "openssh_tunnel", "paramiko_tunnel", "select_random_ports", "ssh_tunnel",
    "try_passwordless_ssh", "tunnel", "tunnel_connection",
]
