# SPDX-License-Identifier: GPL-2.0-or-later
"""ipc_client.py: a minimal client of iscsid's control socket (the format
is documented in libiscsi-core/ipc.h): 16-byte header "LLNK", version,
type, id, payload length; payload of (tag, length, value) attributes.
"""
import socket
import struct

MAGIC, VERSION, HDR = 0x4c4c4e4b, 1, 16
PING, DISCOVER = 1, 2
A_STATUS, A_MESSAGE, A_KV, A_TARGET, A_PORTAL, A_WARNING = 1, 2, 3, 4, 5, 7
U32_TAGS = {1, 6, 10}


def encode(typ, attrs, mid=1):
    payload = b''.join(struct.pack('>HH', tag, len(v)) + v for tag, v in attrs)
    return struct.pack('>IHHII', MAGIC, VERSION, typ, mid, len(payload)) + payload


def _recv_exact(s, n):
    buf = b''
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError('iscsid closed the connection')
        buf += chunk
    return buf


def call(path, typ, attrs=(), timeout=10.0, mid=1):
    """Sends one request; returns (status, message, [(tag, value), ...])."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(path)
        s.sendall(encode(typ, attrs, mid))
        magic, ver, rtype, rid, length = struct.unpack('>IHHII', _recv_exact(s, HDR))
        if magic != MAGIC or rid != mid:
            raise ValueError('bad reply header')
        payload = _recv_exact(s, length)
    out, off = [], 0
    while off < len(payload):
        tag, alen = struct.unpack('>HH', payload[off:off + 4])
        val = payload[off + 4:off + 4 + alen]
        off += 4 + alen
        out.append((tag, struct.unpack('>I', val)[0] if tag in U32_TAGS else val.decode()))
    status = next((v for t, v in out if t == A_STATUS), None)
    message = next((v for t, v in out if t == A_MESSAGE), '')
    return status, message, out


def discover(path, address, port, extra_kv=(), timeout=60.0):
    kv = ['discovery.sendtargets.address=%s' % address, 'discovery.sendtargets.port=%d' % port]
    kv += list(extra_kv)
    return call(path, DISCOVER, [(A_KV, k.encode()) for k in kv], timeout)


def ping(path, timeout=5.0):
    return call(path, PING, (), timeout)[0]
