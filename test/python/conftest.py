"""Fixtures for the Python tests: pmp-gateway on loopback.

Each test gets its own gateway on an address of 127.78.0.0/16 (the shell
suites use 127.77/16), so that nothing sent reaches anything but this
machine's loopback.  The gateway's log (text, or JSON lines with json=True)
is read back to see what really went on the wire.
"""
import itertools
import json
import os
import signal
import subprocess
import time

import pytest

BUILD = os.environ.get("PMP_BUILD", "build")
GWD = os.path.join(BUILD, "pmp-gateway")
_next = itertools.count(1)


class Gateway:
    def __init__(self, tmp_path, *args, json_log=True):
        n = next(_next)
        self.address = "127.78.%d.%d" % (n // 250, n % 250 + 1)
        self.log_path = tmp_path / ("gw%d.log" % n)
        self.out_path = tmp_path / ("gw%d.out" % n)
        self.args = list(args)
        self.json_log = json_log
        self.proc = None
        self.start()

    def start(self, *extra):
        before = self.log_path.stat().st_size if self.log_path.exists() \
            else 0
        self.log = open(self.log_path, "ab")
        self.out = open(self.out_path, "wb")
        cmd = [GWD, "-l", self.address,
               "--log-json" if self.json_log else "--log"] + self.args + \
            list(extra)
        self.proc = subprocess.Popen(cmd, stdout=self.out, stderr=self.log)
        for _ in range(250):
            if b"listening" in self.log_path.read_bytes()[before:]:
                return
            time.sleep(0.02)
        raise RuntimeError("pmp-gateway did not start: %s"
                           % self.log_path.read_text())

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(5)
            self.proc = None
            self.log.close()
            self.out.close()

    def restart(self, *extra):
        """A new process: table empty, epoch from 0 (a reboot)."""
        self.stop()
        self.start(*extra)

    def signal(self, sig):
        self.proc.send_signal(sig)

    def events(self):
        """The JSON log lines (requests the gateway saw)."""
        out = []
        for line in self.log_path.read_text().splitlines():
            if line.startswith("{"):
                out.append(json.loads(line))
        return out

    def requests(self, event=None):
        return [e for e in self.events()
                if event is None or e["event"] == event]

    def dump(self):
        """The gateway's table (SIGUSR1): the summary line."""
        size = self.out_path.stat().st_size
        self.proc.send_signal(signal.SIGUSR1)
        for _ in range(250):
            text = self.out_path.read_bytes()[size:].decode()
            for line in text.splitlines():
                if line.startswith('{"mappings"'):
                    return json.loads(line), [
                        json.loads(x) for x in text.splitlines()
                        if x.startswith("{") and '"mappings"' not in x]
            time.sleep(0.02)
        raise RuntimeError("no table dump (gateway %s, log %s)" % (
            self.proc.poll(), self.log_path.read_text()[-500:]))


@pytest.fixture
def gateway(tmp_path):
    made = []

    def make(*args, json_log=True):
        g = Gateway(tmp_path, *args, json_log=json_log)
        made.append(g)
        return g
    yield make
    for g in made:
        g.stop()


@pytest.fixture
def silent_address():
    """A loopback address nothing listens on (ICMP port unreachable)."""
    return "127.78.255.%d" % (next(_next) % 250 + 1)
