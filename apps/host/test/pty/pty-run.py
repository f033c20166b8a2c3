#!/usr/bin/env python3
"""Runs a command in a real pseudo-terminal, for tests of terminal programs without a pty addon.

Usage: pty-run.py COLS ROWS -- COMMAND [ARGS...]

Bytes on our stdin are typed into the terminal (so "\\x03" is Ctrl-C, "\\r" is Enter); what the
program draws comes out on our stdout, escape sequences and all. When the program exits we exit
with its code (128 + N for signal N). End of our stdin closes nothing: tests type Ctrl-D themselves.
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios

def main() -> int:
    cols, rows = int(sys.argv[1]), int(sys.argv[2])
    command = sys.argv[4:] if sys.argv[3] == '--' else sys.argv[3:]
    pid, master = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
    stdin_open = True
    while True:
        fds = [master] + ([0] if stdin_open else [])
        ready, _, _ = select.select(fds, [], [], 0.05)
        if master in ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b''
            if not data:
                break
            os.write(1, data)
        if 0 in ready:
            data = os.read(0, 65536)
            if data:
                os.write(master, data)
            else:
                stdin_open = False
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            # Drain what the program wrote just before it exited.
            try:
                while True:
                    r, _, _ = select.select([master], [], [], 0.05)
                    if not r:
                        break
                    data = os.read(master, 65536)
                    if not data:
                        break
                    os.write(1, data)
            except OSError:
                pass
            return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)

if __name__ == '__main__':
    sys.exit(main())
