# SPDX-License-Identifier: GPL-2.0-or-later
"""iscsi_pdu.py: the target side of the iSCSI PDUs a login, a SendTargets
exchange and a logout use (RFC 7143 section 11), byte by byte.

Only what the hostile fake target needs: read one PDU from a socket, pick a
Login/Text/Logout Request apart, and build the responses (with any field
wrong on purpose).  Offsets are RFC 7143's; every integer is big-endian.
"""
import struct

BHS_LEN = 48

OP_NOP_OUT, OP_LOGIN_REQ, OP_TEXT_REQ, OP_LOGOUT_REQ = 0x00, 0x03, 0x04, 0x06
OP_LOGIN_RSP, OP_TEXT_RSP, OP_LOGOUT_RSP, OP_REJECT = 0x23, 0x24, 0x26, 0x3f

T_BIT, C_BIT, F_BIT = 0x80, 0x40, 0x80
NO_TAG = 0xffffffff


def pad4(data):
    return data + b'\0' * (-len(data) % 4)


def keys_to_bytes(pairs):
    """[(key, value), ...] -> b'key=value\\0...'; a value None writes the key alone."""
    out = b''
    for k, v in pairs:
        out += (k if v is None else '%s=%s' % (k, v)).encode() + b'\0'
    return out


def bytes_to_keys(data):
    """Lenient: the fake target only reads what a correct initiator sends."""
    pairs = []
    for item in data.split(b'\0'):
        if item:
            k, _, v = item.decode('ascii', 'replace').partition('=')
            pairs.append((k, v))
    return pairs


class Request:
    """One PDU from the initiator, with the fields of a Login/Text/Logout Request."""

    def __init__(self, bhs, data):
        self.bhs = bhs
        self.data = data
        self.opcode = bhs[0] & 0x3f
        self.flags = bhs[1]
        self.transit = bool(self.flags & T_BIT)
        self.cont = bool(self.flags & C_BIT)
        self.csg = (self.flags >> 2) & 3
        self.nsg = self.flags & 3
        self.isid = bhs[8:14]
        self.tsih = struct.unpack('>H', bhs[14:16])[0]
        self.itt, self.ttt_or_cid = struct.unpack('>II', bhs[16:24])
        self.cmdsn, self.expstatsn = struct.unpack('>II', bhs[24:32])
        self.keys = bytes_to_keys(data) if self.opcode in (OP_LOGIN_REQ, OP_TEXT_REQ) else []

    def key(self, name):
        for k, v in self.keys:
            if k == name:
                return v
        return None


def recv_exact(sock, n):
    buf = b''
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError('initiator closed the connection')
        buf += chunk
    return buf


def read_request(sock):
    bhs = recv_exact(sock, BHS_LEN)
    ahs = bhs[4] * 4
    dlen = int.from_bytes(bhs[5:8], 'big')
    rest = recv_exact(sock, ahs + dlen + (-dlen % 4)) if ahs + dlen else b''
    return Request(bhs, rest[ahs:ahs + dlen])


def bhs(opcode, flags, dlen, field8, itt, tail28, byte2=0, byte3=0, ahs_words=0):
    """48 bytes: opcode, flags, bytes 2-3, TotalAHSLength, DSL, bytes 8-15, ITT, bytes 20-47."""
    assert len(field8) == 8 and len(tail28) == 28
    return (bytes([opcode, flags, byte2, byte3, ahs_words]) + (dlen & 0xffffff).to_bytes(3, 'big')
            + field8 + struct.pack('>I', itt) + tail28)


def login_rsp(req, data=b'', transit=False, cont=False, csg=None, nsg=0, tsih=0, statsn=0,
              status=(0, 0), dlen=None, opcode=OP_LOGIN_RSP):
    """A Login Response to req; dlen overrides DataSegmentLength (to lie about it)."""
    csg = req.csg if csg is None else csg
    flags = (T_BIT if transit else 0) | (C_BIT if cont else 0) | (csg << 2) | (nsg if transit else 0)
    tail = struct.pack('>IIIIBB', 0, statsn, req.cmdsn, req.cmdsn + 16, *status) + bytes(10)
    head = bhs(opcode, flags, len(data) if dlen is None else dlen,
               req.isid + struct.pack('>H', tsih), req.itt, tail)
    return head + pad4(data)


def text_rsp(req, data, final=True, cont=False, ttt=NO_TAG, statsn=0):
    flags = (F_BIT if final else 0) | (C_BIT if cont else 0)
    tail = struct.pack('>IIII', ttt, statsn, req.cmdsn + 1, req.cmdsn + 17) + bytes(12)
    return bhs(OP_TEXT_RSP, flags, len(data), bytes(8), req.itt, tail) + pad4(data)


def logout_rsp(req, statsn=0):
    tail = struct.pack('>IIII', 0, statsn, req.cmdsn + 1, req.cmdsn + 17) + bytes(12)
    return bhs(OP_LOGOUT_RSP, F_BIT, 0, bytes(8), req.itt, tail)
