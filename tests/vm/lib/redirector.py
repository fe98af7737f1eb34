#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""redirector.py: an iSCSI portal that only redirects, for the VM tests.

Listens on 127.0.0.1:PORT and answers the first Login Request of every
connection with status class 1 (redirection) and TargetAddress=TO, then
waits for the initiator to hang up.  DETAIL is the status detail: 1 (moved
temporarily) or 2 (moved permanently).  It never logs anybody in.

    redirector.py PORT TO DETAIL LOG      e.g. 3262 127.0.0.1:3260,1 1 /tmp/rdr.log

LOG gets "listening PORT" once the socket accepts, then one line per
connection (the shell test counts them and compares the ISIDs):

    login N isid=ISID tsih=T cid=C type=SessionType target=TargetName

or "other N opcode=0xNN" when the first PDU is not a Login Request.
The PDU layer is the hostile fake target's (tests/integration/hostile).
"""
import os
import struct
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'integration', 'hostile'))
import iscsi_pdu as P  # noqa: E402
from loglisten import LoggedListener  # noqa: E402


class Redirector(LoggedListener):
    def __init__(self, port, to, detail, log):
        self.to = to
        self.detail = detail
        super().__init__(port, log)

    def serve_forever(self):
        while True:
            s, _ = self.lsock.accept()
            with self.lock:
                self.count += 1
                n = self.count
            threading.Thread(target=self.serve, args=(s, n), daemon=True).start()

    def serve(self, s, n):
        try:
            s.settimeout(30)
            req = P.read_request(s)
            if req.opcode != P.OP_LOGIN_REQ:
                self.note('other %d opcode=0x%02x' % (n, req.opcode))
                return
            cid = struct.unpack('>H', req.bhs[20:22])[0]
            self.note('login %d isid=%s tsih=%d cid=%d type=%s target=%s' % (
                n, req.isid.hex(), req.tsih, cid, req.key('SessionType') or 'Normal',
                req.key('TargetName') or '-'))
            data = P.keys_to_bytes([('TargetAddress', self.to)])
            s.sendall(P.login_rsp(req, data, status=(1, self.detail)))
            # The initiator hangs up and reconnects to TO.
            while s.recv(4096):
                pass
        except ConnectionResetError:
            pass   # an initiator may hang up with a reset: that is fine
        except (ConnectionError, OSError) as e:
            self.note('error %d %s' % (n, e))
        finally:
            s.close()


def main(argv):
    if len(argv) != 5 or argv[3] not in ('1', '2'):
        sys.stderr.write('usage: redirector.py PORT TO 1|2 LOG\n')
        return 2
    Redirector(int(argv[1]), argv[2], int(argv[3]), argv[4]).serve_forever()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
