"""Sphinx configuration for cyzmq's documentation.

Build with ``make docs`` (HTML in ``docs/_build/html``). Pages are MyST Markdown; the API
reference is generated from the docstrings (numpy style, read by napoleon) of the installed
package, compiled classes included: they are built with Cython's ``embedsignature``.
"""
from __future__ import annotations

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import zmq  # noqa: E402  (the checkout's own, built in place)
import zmq.sugar.socket  # noqa: E402
import zmq.utils.monitor  # noqa: E402

# Annotations naming a class that a module imports only for type checkers stay strings that
# autodoc cannot resolve (and an unqualified "Socket" matches several documented classes):
# give those modules the names, for the documentation build only.
zmq.utils.monitor.Socket = zmq.Socket
zmq.sugar.socket.Context = zmq.Context

project = "cyzmq"
author = "the cyzmq developers"
copyright = "the cyzmq developers"
version = release = zmq.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# -- autodoc ---------------------------------------------------------------------------------

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_class_signature = "mixed"
autoclass_content = "class"
# Cython's embedsignature puts "Socket.set(self, int option, optval)" on the first line of
# each compiled docstring; autodoc takes it as the signature (and removes it from the
# text). The C types and ``self`` are dropped from it below.
autodoc_docstring_signature = True

napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True

# -- HTML ------------------------------------------------------------------------------------

html_theme = "alabaster"
html_title = f"cyzmq {release}"
html_theme_options = {
    "description": "A fast, Cython-compiled ZeroMQ binding speaking pyzmq's API",
    "fixed_sidebar": True,
}
html_static_path: list[str] = []

# "int flags" -> "flags": a C type before a parameter name (never inside a default value,
# which follows "=").
_C_TYPED_PARAM = re.compile(r"(?<=[(,])(\s*)(?:[A-Za-z_]\w*\s+)+(?=\**[A-Za-z_]\w*\s*(?:=|,|\)|$))")


def _clean_signature(app, what, name, obj, options, signature, return_annotation):  # noqa: ANN001
    """Make a Cython-embedded signature look like a Python one."""
    if not signature:
        return None
    signature = signature.replace("ZMQ_POLLIN", "zmq.POLLIN")
    sig = _C_TYPED_PARAM.sub(r"\1", signature)
    if what in ("method", "class", "exception"):
        sig = re.sub(r"^\(\s*self\s*(?:,\s*|(?=\)))", "(", sig)
    return sig, return_annotation


_EMBEDDED_SIG = re.compile(r"^[A-Za-z_][\w.]*\(.*\)(\s*->\s*.+)?$")


# "Context.closed: bool": what embedsignature puts atop a compiled property's docstring.
_EMBEDDED_ATTR = re.compile(r"^[A-Za-z_][\w.]*: \S.*$")

# Public attributes of the compiled classes are declared in .pxd files, where Cython takes
# no docstring (their __doc__ is just "name: type"): their documentation.
_COMPILED_ATTRIBUTES = {
    "context": "The :class:`zmq.Context` this socket was created in (None for a socket "
    "shadowing a bare address).",
    "copy_threshold": "``send(..., copy=False)`` of fewer bytes than this copies anyway "
    "(cheaper than sharing memory). Initialized from :data:`zmq.COPY_THRESHOLD` when the "
    "socket is created; 0 shares every ``copy=False`` message.",
    "more": "True if more parts of the same message follow this one (set on frames "
    "returned by ``recv(copy=False)`` and ``recv_multipart(copy=False)``).",
    "tracker": "The frame's :class:`zmq.MessageTracker` when it was created with "
    "``track=True``, else None.",
}


def _clean_docstring(app, what, name, obj, options, lines):  # noqa: ANN001
    """Drop what Cython's embedsignature left in a docstring: an alias's signature
    (``send_unicode = send_string`` keeps "Socket.send_string(...)") or a property's
    "Class.attr: type" line; document the compiled public attributes."""
    short = name.rsplit(".", 1)[-1]
    is_attr = what in ("attribute", "property")
    text = [line for line in lines if line.strip()]
    if is_attr and short in _COMPILED_ATTRIBUTES and len(text) <= 1 \
            and (not text or _EMBEDDED_ATTR.match(text[0])):
        lines[:] = [_COMPILED_ATTRIBUTES[short]]
        return
    if not lines:
        return
    pattern = _EMBEDDED_ATTR if is_attr else _EMBEDDED_SIG
    if pattern.match(lines[0]) and (len(lines) == 1 or not lines[1].strip()):
        del lines[0]
        while lines and not lines[0].strip():
            del lines[0]
    if is_attr and lines and ": " in lines[0] and "`" not in lines[0].split(": ", 1)[0]:
        # napoleon would read "text: more text" as "type: description".
        lines[0] = lines[0].replace(": ", " \u2014 ", 1)


# Classes are defined in private modules (zmq.sugar.socket, zmq.backend.cython.message...)
# and documented under their public names. Type hints refer to the defining module: send
# such references (and other spellings) to the documented name.
_PUBLIC_NAMES = {
    "zmq.sugar.context.Context": "zmq.Context",
    "zmq.sugar.socket.Socket": "zmq.Socket",
    "zmq.sugar.poll.Poller": "zmq.Poller",
    "zmq.sugar.stopwatch.Stopwatch": "zmq.Stopwatch",
    "zmq.backend.Socket": "zmq.Socket",
    "zmq.backend.cython.context.Context": "zmq.Context",
    "zmq.backend.cython.socket.Socket": "zmq.Socket",
    "zmq.backend.cython.message.Frame": "zmq.Frame",
    "zmq.backend.cython.message.MessageTracker": "zmq.MessageTracker",
    "zmq.green.core._Socket": "zmq.green.Socket",
    "zmq.green.core._Context": "zmq.green.Context",
    "zmq.green.poll._Poller": "zmq.green.Poller",
    "zmq.auth.base.Authenticator": "zmq.auth.Authenticator",
}
# The exceptions are documented in zmq.error and the enums in zmq.constants, and used as
# zmq.Again, zmq.SocketType...
_PUBLIC_NAMES.update({f"zmq.{name}": f"zmq.error.{name}" for name in (
    "ZMQBaseError", "ZMQError", "Again", "ContextTerminated", "InterruptedSystemCall", "NotDone",
    "ZMQBindError", "ZMQVersionError", "DraftFDWarning")})
_PUBLIC_NAMES.update({f"zmq.{name}": f"zmq.constants.{name}" for name in (
    "SocketType", "SocketOption", "ContextOption", "MessageOption", "Flag", "PollEvent", "Event",
    "SecurityMechanism", "DeviceType", "RouterNotify", "NormMode", "ReconnectStop", "Errno")})
_PUBLIC_NAMES.update({
    "zmq.auth.create_certificates": "zmq.auth.certs.create_certificates",
    "zmq.auth.load_certificate": "zmq.auth.certs.load_certificate",
    "zmq.auth.load_certificates": "zmq.auth.certs.load_certificates",
})
# Prefixes of private paths whose members are documented under a public one.
_PUBLIC_PREFIXES = {"zmq.auth.base.Authenticator.": "zmq.auth.Authenticator.",
                    "Authenticator.": "zmq.auth.Authenticator."}


def _resolve_public_name(app, env, node, contnode):  # noqa: ANN001
    """Resolve a missing reference to a private path through its public name."""
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    public = _PUBLIC_NAMES.get(target)
    for prefix, replacement in _PUBLIC_PREFIXES.items():
        if public is None and target.startswith(prefix):
            public = replacement + target[len(prefix):]
    if public is None:
        return None
    domain = env.get_domain("py")
    node = node.deepcopy()
    node["reftarget"] = public
    return domain.resolve_xref(env, node.get("refdoc", ""), app.builder, node.get("reftype", "class"),
                               public, node, contnode)


def setup(app):  # noqa: ANN001
    app.connect("autodoc-process-signature", _clean_signature)
    app.connect("autodoc-process-docstring", _clean_docstring, priority=100)  # before napoleon
    app.connect("missing-reference", _resolve_public_name)
