# SPDX-License-Identifier: GPL-2.0-or-later
"""loglisten.py: the listening socket and the line log that the VM tests'
fake portals (redirector.py, asyncproxy.py) share.

A subclass gets self.lsock listening on 127.0.0.1:PORT, self.lock, a
connection counter self.count and note(LINE), which appends one line to
the log file; "listening PORT" is the first line, written once the socket
accepts (the shell tests wait for it).
"""
import socket
import threading


class LoggedListener:
    def __init__(self, port, log_path):
        self.log = open(log_path, 'a', buffering=1)
        self.lock = threading.Lock()
        self.count = 0
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(('127.0.0.1', port))
        self.lsock.listen(16)
        self.note('listening %d' % port)

    def note(self, line):
        with self.lock:
            self.log.write(line + '\n')
