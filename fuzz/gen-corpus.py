#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gen-corpus.py: writes the seed corpora under fuzz/corpus/<target>/.

Seeds are small, valid examples of what each parser reads, built here
byte by byte from RFC 7143 layouts (and, for the login/SendTargets
streams, shaped like what tgtd answers lunlink).  The fuzzer mutates
from them, so they should reach deep: a full login, a CHAP login, a
redirect, a continued response, a multi-PDU target list, a real node
record.  Re-run after changing the harnesses' input formats:

    python3 fuzz/gen-corpus.py            # rewrites fuzz/corpus/
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, 'corpus')

# What the harnesses use (fuzz_login.c, fuzz_sendtargets.c).
LOGIN_ITT = 0x1000
LOGIN_ISID = bytes([0x80, 0x12, 0x34, 0x56, 0x78, 0x9a])
ST_ITT = 0x2000


def pad4(b):
    return b + b'\0' * (-len(b) % 4)


def kv(*items):
    return b''.join(i.encode() + b'\0' for i in items)


def bhs(opcode, flags=0, dlen=0, itt=0, lun=b'\0' * 8, rest=b'\0' * 28, byte2=0, byte3=0):
    """Generic 48-byte BHS: bytes 0-3, TotalAHSLength 0, DSL, LUN/ISID, ITT, bytes 20-47."""
    h = bytes([opcode, flags, byte2, byte3, 0]) + dlen.to_bytes(3, 'big') + lun
    h += struct.pack('>I', itt) + rest
    assert len(h) == 48
    return h


def login_rsp(data=b'', t=False, c=False, csg=0, nsg=0, tsih=0, statsn=0, status=(0, 0),
              itt=LOGIN_ITT, isid=LOGIN_ISID):
    flags = (0x80 if t else 0) | (0x40 if c else 0) | (csg << 2) | (nsg if t else 0)
    lun = isid + struct.pack('>H', tsih)
    rest = struct.pack('>IIIIBB', 0, statsn, 1, 17, status[0], status[1]) + b'\0' * 10
    return bhs(0x23, flags, len(data), itt, lun, rest) + pad4(data)


def text_rsp(data=b'', final=True, c=False, itt=ST_ITT, ttt=0xffffffff, statsn=1):
    flags = (0x80 if final else 0) | (0x40 if c else 0)
    rest = struct.pack('>IIII', ttt, statsn, 3, 19) + b'\0' * 12
    return bhs(0x24, flags, len(data), itt, rest=rest) + pad4(data)


def logout_rsp(itt=0x1002, statsn=2):
    rest = struct.pack('>IIII', 0, statsn, 4, 20) + b'\0' * 12
    return bhs(0x26, 0x80, 0, itt, rest=rest)


def nop_in():
    return bhs(0x20, 0x80, 0, 0xffffffff, rest=struct.pack('>I', 0x1234) + b'\0' * 24)


def reject(reason=0x04):
    return bhs(0x3f, 0x80, 48, 0xffffffff, byte2=reason) + bytes(48)


def async_msg(event=1):
    rest = b'\0' * 16 + bytes([event, 0]) + struct.pack('>HHH', 0, 2, 20) + b'\0' * 4
    return bhs(0x32, 0x80, 0, 0xffffffff, rest=rest)


def login_req(data=b'', t=True, csg=0, nsg=1):
    flags = (0x80 if t else 0) | (csg << 2) | (nsg if t else 0)
    lun = LOGIN_ISID + b'\0\0'
    rest = struct.pack('>HHII', 0, 0, 1, 0) + b'\0' * 16
    return bytes([0x43]) + bhs(0x03, flags, len(data), LOGIN_ITT, lun, rest)[1:] + pad4(data)


DISC_OPER = kv('HeaderDigest=None', 'DataDigest=None', 'MaxRecvDataSegmentLength=262144',
               'DefaultTime2Wait=2', 'DefaultTime2Retain=0', 'ErrorRecoveryLevel=0')
NORMAL_OPER = kv('HeaderDigest=None', 'DataDigest=None', 'MaxRecvDataSegmentLength=262144',
                 'InitialR2T=No', 'ImmediateData=Yes', 'MaxBurstLength=16776192',
                 'FirstBurstLength=262144', 'DefaultTime2Wait=2', 'DefaultTime2Retain=0',
                 'MaxOutstandingR2T=1', 'DataPDUInOrder=Yes', 'DataSequenceInOrder=Yes',
                 'ErrorRecoveryLevel=0', 'MaxConnections=1')
TARGETS = kv('TargetName=iqn.2003-01.org.example:disk1', 'TargetAddress=192.0.2.10:3260,1',
             'TargetAddress=[2001:db8::10]:3260,1', 'TargetName=iqn.2003-01.org.example:disk2',
             'TargetName=eui.0123456789abcdef', 'TargetAddress=target.example.org,2')

# login modes (fuzz_login.c): bit0 discovery, bits1-2 chap, bit3 fixup, bit4/5 limits
DISC, ONEWAY, MUTUAL, REQUIRED, FIX, SMALLSEND = 1, 2, 4, 6, 8, 16


def login_seeds():
    # Without credentials the login starts in the operational stage (CSG=1);
    # with them, in the security stage with AuthMethod.
    chal = kv('CHAP_A=5', 'CHAP_I=7', 'CHAP_C=0x' + '5a' * 16)
    chap = [login_rsp(kv('AuthMethod=CHAP', 'TargetPortalGroupTag=1'), statsn=0),
            login_rsp(chal, statsn=1)]
    normal_done = login_rsp(NORMAL_OPER + kv('TargetAlias=disk1', 'TargetPortalGroupTag=1'),
                            t=True, csg=1, nsg=3, tsih=7, statsn=0)
    return {
        'discovery-none': [DISC | FIX, login_rsp(DISC_OPER + kv('TargetPortalGroupTag=1'),
                                                 t=True, csg=1, nsg=3, tsih=1)],
        'normal-none': [FIX, normal_done],
        'normal-none-target-proposes': [
            FIX,
            login_rsp(kv('MaxBurstLength=65536', 'X-com.example.foo=1', 'IFMarker=No'),
                      csg=1, statsn=0),
            login_rsp(NORMAL_OPER.replace(b'MaxBurstLength=16776192\0', b'').replace(
                b'FirstBurstLength=262144', b'FirstBurstLength=65536'), t=True, csg=1,
                      nsg=3, tsih=7, statsn=1)],
        'normal-continued-response': [
            FIX,
            login_rsp(NORMAL_OPER[:37], c=True, csg=1, statsn=0),
            login_rsp(NORMAL_OPER[37:], t=True, csg=1, nsg=3, tsih=7, statsn=1)],
        'normal-small-send': [FIX | SMALLSEND] + [login_rsp(csg=1, statsn=i) for i in range(6)]
        + [normal_done],
        'chap-oneway': [ONEWAY | FIX] + chap + [
            login_rsp(t=True, csg=0, nsg=1, statsn=2),
            login_rsp(NORMAL_OPER, t=True, csg=1, nsg=3, tsih=9, statsn=3)],
        'chap-required-discovery': [REQUIRED | DISC | FIX] + chap + [
            login_rsp(t=True, csg=0, nsg=1, statsn=2),
            login_rsp(DISC_OPER, t=True, csg=1, nsg=3, tsih=9, statsn=3)],
        'chap-mutual': [MUTUAL | FIX] + chap + [
            login_rsp(kv('CHAP_N=target', 'CHAP_R=0x' + '00' * 32), t=True, csg=0, nsg=1,
                      statsn=2)],
        'chap-sha256-challenge': [MUTUAL | FIX,
                                  login_rsp(kv('AuthMethod=CHAP'), statsn=0),
                                  login_rsp(kv('CHAP_A=7', 'CHAP_I=255',
                                               'CHAP_C=0b' + 'QUJD' * 8), statsn=1)],
        'chap-long-challenge': [ONEWAY | FIX, chap[0],
                                login_rsp(kv('CHAP_A=5', 'CHAP_I=7', 'CHAP_C=0x' + 'ab' * 1100),
                                          statsn=1)],
        'chap-target-picks-none': [ONEWAY | FIX,
                                   login_rsp(kv('AuthMethod=None')),
                                   login_rsp(t=True, csg=0, nsg=1, statsn=1),
                                   login_rsp(NORMAL_OPER, t=True, csg=1, nsg=3, tsih=3,
                                             statsn=2)],
        # 70 empty continued responses: more than the login machine's 64
        'many-responses': [FIX] + [login_rsp(c=True, csg=1, statsn=i) for i in range(70)],
        # continued text beyond the 64 KiB a login may carry
        'text-over-64k': [FIX] + [login_rsp(kv('X-org.lunlink.pad=' + 'p' * 8000), c=True,
                                            csg=1, statsn=i) for i in range(9)],
        'redirect': [DISC | FIX, login_rsp(kv('TargetAddress=127.0.0.2:3261,1'), csg=1,
                                           status=(1, 1)),
                     login_rsp(DISC_OPER, t=True, csg=1, nsg=3, tsih=1, statsn=1)],
        'status-auth-failure': [ONEWAY | FIX, login_rsp(status=(2, 1))],
        'status-auth-failure-no-creds': [FIX, login_rsp(csg=1, status=(2, 1))],
        'status-target-error': [FIX, login_rsp(csg=1, status=(3, 2))],
        'reject': [FIX, reject()],
        'no-fixup-none': [DISC, login_rsp(DISC_OPER, t=True, csg=1, nsg=3, tsih=1)],
    }


def st_seeds():
    # bit0: parser only; else exchange; bit1 fixup ITT; bit2 512-byte limit
    first, second = TARGETS[:60], TARGETS[60:]
    return {
        'parse-targets': [1, TARGETS],
        'parse-no-address': [1, kv('TargetName=iqn.2003-01.org.example:lonely')],
        'parse-bad-values': [1, kv('TargetName=not a name', 'TargetAddress=1.2.3.4:99999',
                                   'TargetAddress=[::1', 'TargetName=iqn.2003-01.org.x:y',
                                   'TargetAddress=host:3260,70000')],
        'exchange-one': [2, text_rsp(TARGETS)],
        'exchange-continued': [2, text_rsp(first, final=False, c=True, ttt=5),
                               text_rsp(second, statsn=2)],
        'exchange-ttt-pieces': [2 | 4, text_rsp(TARGETS[:40], final=False, ttt=9),
                                text_rsp(TARGETS[40:], statsn=2)],
        'exchange-reject': [2, reject()],
        'exchange-async': [2, async_msg()],
        'exchange-nofix': [0, text_rsp(TARGETS, itt=ST_ITT)],
    }


def pdu_seeds():
    return {
        'login-rsp': login_rsp(DISC_OPER, t=True, csg=1, nsg=3, tsih=1),
        'login-req': login_req(kv('InitiatorName=iqn.2016-04.com.open-iscsi:x',
                                  'SessionType=Discovery', 'AuthMethod=None')),
        'text-rsp': text_rsp(TARGETS),
        'text-req': bhs(0x44, 0x80, 16, 5, rest=struct.pack('>III', 0xffffffff, 2, 1) +
                        b'\0' * 16) + pad4(b'SendTargets=All\0'),
        'logout-rsp': logout_rsp(),
        'logout-req': bhs(0x46, 0x80, 0, 6, rest=b'\0' * 28),
        'nop-in': nop_in(),
        'reject': reject(),
        'async': async_msg(4),
        'ahs': bhs(0x21, 0x80, 4, 1)[:4] + bytes([2]) + (4).to_bytes(3, 'big') +
        bhs(0x21)[8:] + struct.pack('>HB', 5, 1) + b'\0' * 5 + b'data',
        'scsi-rsp': bhs(0x21, 0x80, 0, 1),
    }


NODE_RECORD = """# BEGIN RECORD 2.1.8
node.name = iqn.2003-01.org.example:disk1
node.tpgt = 1
node.startup = automatic
node.leading_login = No
iface.iscsi_ifacename = default
iface.transport_name = tcp
node.discovery_address = 192.0.2.10
node.discovery_port = 3260
node.discovery_type = send_targets
node.session.initial_cmdsn = 0
node.session.auth.authmethod = CHAP
node.session.auth.username = alice
node.session.auth.password = alicesecret12
node.session.auth.chap_algs = SHA256,MD5
node.session.timeo.replacement_timeout = 120
node.session.iscsi.InitialR2T = No
node.session.iscsi.ImmediateData = Yes
node.session.iscsi.FirstBurstLength = 262144
node.session.iscsi.MaxBurstLength = 16776192
node.conn[0].address = 192.0.2.10
node.conn[0].port = 3260
node.conn[0].startup = manual
node.conn[0].timeo.login_timeout = 15
node.conn[0].iscsi.MaxRecvDataSegmentLength = 262144
node.conn[0].iscsi.HeaderDigest = None
node.custom.unknown = kept
# END RECORD
"""

DISC_RECORD = """# BEGIN RECORD 2.1.8
discovery.startup = manual
discovery.type = sendtargets
discovery.sendtargets.address = 192.0.2.10
discovery.sendtargets.port = 3260
discovery.sendtargets.auth.authmethod = None
discovery.sendtargets.timeo.login_timeout = 15
discovery.sendtargets.use_discoveryd = No
discovery.sendtargets.discoveryd_poll_inval = 30
discovery.sendtargets.reopen_max = 5
discovery.sendtargets.timeo.auth_timeout = 45
discovery.sendtargets.timeo.active_timeout = 30
discovery.sendtargets.iscsi.MaxRecvDataSegmentLength = 32768
# END RECORD
"""

IFACE_RECORD = """# BEGIN RECORD 2.1.8
iface.iscsi_ifacename = eth1-iface
iface.net_ifacename = eth1
iface.ipaddress = 192.0.2.55
iface.transport_name = tcp
iface.vlan_id = 0
iface.vlan_priority = 0
iface.iface_num = 0
iface.mtu = 0
iface.port = 0
# END RECORD
"""

ISCSID_CONF = """# iscsid.conf
iscsid.startup = /bin/systemctl start iscsid.socket
node.startup = automatic
node.session.auth.authmethod = CHAP
node.session.auth.username = user
node.session.auth.password = secret12345678
discovery.sendtargets.auth.authmethod = None
node.session.timeo.replacement_timeout = 120
node.conn[0].timeo.login_timeout = 15
node.session.iscsi.FastAbort = Yes
node.session.scan = auto
iscsid.safe_logout = Yes
\tnode.conn[0].iscsi.MaxRecvDataSegmentLength = 262144   
"""


def record_seeds():
    return {
        'node': bytes([0]) + NODE_RECORD.encode(),
        'discovery': bytes([1]) + DISC_RECORD.encode(),
        'iface': bytes([2]) + IFACE_RECORD.encode(),
        'iscsid-conf': bytes([3]) + ISCSID_CONF.encode(),
        'node-bad-lines': bytes([0]) + b'no equals here\nnode.tpgt = abc\nnode.startup = sometimes\r\n'
        b'= value\nnode.name = a\x01b\nnode.session.iscsi.MaxBurstLength = 1\n',
    }


# The iSCSI MIB counters of a statistics reply, in open-iscsi's order.
STAT_NAMES = ('txdata_octets rxdata_octets noptx_pdus scsicmd_pdus tmfcmd_pdus login_pdus '
              'text_pdus dataout_pdus logout_pdus snack_pdus noprx_pdus scsirsp_pdus '
              'tmfrsp_pdus textrsp_pdus datain_pdus logoutrsp_pdus r2t_pdus async_pdus '
              'rjt_pdus digest_err timeout_err').split()


def ipc_msg(typ, attrs, mid=1):
    payload = b''.join(struct.pack('>HH', tag, len(v)) + v for tag, v in attrs)
    return struct.pack('>IHHII', 0x4c4c4e4b, 1, typ, mid, len(payload)) + payload


def ipc_seeds():
    kvs = [(3, l.replace(' = ', '=').encode()) for l in NODE_RECORD.splitlines()
           if ' = ' in l]
    return {
        'ping': ipc_msg(1, []),
        'discover': ipc_msg(2, [(3, b'discovery.sendtargets.address=127.0.0.1'),
                                (3, b'discovery.sendtargets.port=3260'),
                                (3, b'discovery.sendtargets.timeo.login_timeout=5')]),
        'login': ipc_msg(3, kvs),
        'logout': ipc_msg(4, [(6, struct.pack('>I', 3)), (10, struct.pack('>I', 1))]),
        'session-info': ipc_msg(5, [(6, struct.pack('>I', 1))]),
        'session-stats': ipc_msg(8, [(6, struct.pack('>I', 1))]),
        'host-stats': ipc_msg(9, [(13, struct.pack('>I', 2))]),
        'stats-reply': ipc_msg(0x8008, [(1, struct.pack('>I', 0))] +
                               [(11, struct.pack('>Q', i) + n.encode())
                                for i, n in enumerate(STAT_NAMES)] +
                               [(12, struct.pack('>Q', 0) + b'tx_sendpage_failures'),
                                (12, struct.pack('>Q', 2**64 - 1) + b'eh_abort_cnt')]),
        'reply': ipc_msg(0x8002, [(1, struct.pack('>I', 0)),
                                  (4, b'iqn.2003-01.org.example:disk1'),
                                  (5, b'192.0.2.10:3260,1'), (7, b'a warning'),
                                  (99, b'unknown tag')]),
    }


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def stream(parts):
    return bytes([parts[0]]) + b''.join(parts[1:])


def main():
    for name, parts in login_seeds().items():
        write('login', name, stream(parts))
    for name, parts in st_seeds().items():
        write('sendtargets', name, stream(parts))
    for name, data in pdu_seeds().items():
        write('pdu', name, data)
    # text: login and text data segments as they come off the wire
    for name, data in {'discovery-oper': DISC_OPER, 'normal-oper': NORMAL_OPER,
                       'targets': TARGETS,
                       'chap': kv('CHAP_A=5', 'CHAP_I=7', 'CHAP_C=0x' + '5a' * 16),
                       'no-final-nul': b'AuthMethod=None\0TargetAlias=x'}.items():
        write('text', name, data)
    # negotiate: mode byte, then responses cut at 0xff
    for name, data in {'discovery': b'\x01' + DISC_OPER,
                       'normal': b'\x00' + NORMAL_OPER,
                       'normal-two-pdus': b'\x00' + NORMAL_OPER[:100].rsplit(b'\0', 1)[0] +
                       b'\0\xff' + kv('InitialR2T=Yes', 'MaxRecvDataSegmentLength=8192'),
                       'digests-crc': b'\x0a' + kv('HeaderDigest=CRC32C', 'DataDigest=None'),
                       'target-proposes': b'\x00' + kv('MaxBurstLength=512',
                                                       'FirstBurstLength=512',
                                                       'TaskReporting=ResponseFence',
                                                       'iSCSIProtocolLevel=2',
                                                       'X#NodeArchitecture=test/1',
                                                       'OFMarkInt=1-65535')}.items():
        write('negotiate', name, data)
    for name, data in record_seeds().items():
        write('record', name, data)
    for name, data in ipc_seeds().items():
        write('ipc', name, data)
    return 0


if __name__ == '__main__':
    sys.exit(main())
