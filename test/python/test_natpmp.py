"""The drop-in `natpmp` (py-natpmp's API) against pmp-gateway on loopback:
every public name, byte-exact requests, results and exceptions in
py-natpmp's shapes, the fixed defects, the serial queue across threads,
the low-level socket calls, natpmp_client.py's output, and py-natpmp's own
README examples run unchanged but for the gateway."""
import os
import socket
import subprocess
import sys
import threading
import time

import pytest

import natpmp
from natpmp import NATPMP

PUBLIC_NAMES = """NATPMP_PORT NATPMP_RESERVED_VAL NATPMP_PROTOCOL_UDP
NATPMP_PROTOCOL_TCP NATPMP_GATEWAY_NO_VALID_GATEWAY NATPMP_GATEWAY_NO_SUPPORT
NATPMP_GATEWAY_CANNOT_FIND NATPMP_RESULT_SUCCESS
NATPMP_RESULT_UNSUPPORTED_VERSION NATPMP_RESULT_NOT_AUTHORIZED
NATPMP_RESULT_NETWORK_FAILURE NATPMP_RESULT_OUT_OF_RESOURCES
NATPMP_RESULT_UNSUPPORTED_OPERATION NATPMP_ERROR_DICT NATPMPRequest
PublicAddressRequest PortMapRequest NATPMPResponse PublicAddressResponse
PortMapResponse NATPMPError NATPMPResultError NATPMPNetworkError
NATPMPUnsupportedError get_gateway_addr error_str get_gateway_socket
get_public_address map_tcp_port map_udp_port map_port send_request
read_response send_request_with_retry NatPMP""".split()

CLIENT = os.path.join(os.path.dirname(natpmp.__file__), "natpmp_client.py")


def test_names_and_constants():
    for name in PUBLIC_NAMES:
        assert hasattr(natpmp, name), name
        assert getattr(natpmp, name) is getattr(NATPMP, name)
    assert natpmp.__version__ == "0.2.5"
    assert (natpmp.NATPMP_PORT, natpmp.NATPMP_PROTOCOL_UDP,
            natpmp.NATPMP_PROTOCOL_TCP) == (5351, 1, 2)
    assert (natpmp.NATPMP_GATEWAY_NO_VALID_GATEWAY,
            natpmp.NATPMP_GATEWAY_NO_SUPPORT,
            natpmp.NATPMP_GATEWAY_CANNOT_FIND) == (-10, -11, -12)
    assert [natpmp.NATPMP_RESULT_SUCCESS,
            natpmp.NATPMP_RESULT_UNSUPPORTED_VERSION,
            natpmp.NATPMP_RESULT_NOT_AUTHORIZED,
            natpmp.NATPMP_RESULT_NETWORK_FAILURE,
            natpmp.NATPMP_RESULT_OUT_OF_RESOURCES,
            natpmp.NATPMP_RESULT_UNSUPPORTED_OPERATION] == list(range(6))
    assert natpmp.error_str(2) == ("The operation was refused.  NAT-PMP "
                                   "may be turned off on gateway.")
    assert natpmp.error_str(-11) == "The gateway does not support NAT-PMP"
    assert natpmp.error_str(99) == "Unknown fatal error."
    assert len(natpmp.NATPMP_ERROR_DICT) == 9
    for sub in (natpmp.NATPMPResultError, natpmp.NATPMPNetworkError,
                natpmp.NATPMPUnsupportedError):
        assert issubclass(sub, natpmp.NATPMPError)
    assert natpmp.NATPMPRequest.retry_increment == 0.25


def test_request_bytes():
    assert natpmp.PublicAddressRequest().toBytes() == b"\0\0"
    r = natpmp.PortMapRequest(natpmp.NATPMP_PROTOCOL_TCP, 8080, 8081, 3600)
    assert r.toBytes() == bytes.fromhex("0002 0000 1f90 1f91 00000e10")
    assert (r.version, r.opcode, r.private_port, r.public_port,
            r.lifetime) == (0, 2, 8080, 8081, 3600)
    assert natpmp.PortMapRequest(1, 1, 2).toBytes() == bytes.fromhex(
        "0001 0000 0001 0002 00000e10")


def test_responses_and_their_text():
    a = natpmp.PublicAddressResponse(bytes.fromhex("0080 0000 0000 0007 "
                                                   "cb007107"))
    assert (a.version, a.opcode, a.result, a.sec_since_epoch, a.ip,
            a.ip_int) == (0, 128, 0, 7, "203.0.113.7", 0xcb007107)
    assert str(a) == ("PublicAddressResponse: version 0, opcode 128 (128), "
                      "result 0, ssec 7, ip 203.0.113.7")
    m = natpmp.PortMapResponse(bytes.fromhex("0082 0000 0000 0009 1f90 1f91"
                                             " 00000e10"))
    assert str(m) == ("PortMapResponse: version 0, opcode 130 (130), result "
                      "0, ssec 9, private_port 8080, public port 8081, "
                      "lifetime 3600")
    assert str(natpmp.NATPMPResponse(0, 128, 0, 5)) == \
        "NATPMPResponse(0, 128, 0, 5)"
    # a short answer is an error, not a struct.error crash
    with pytest.raises(natpmp.NATPMPError):
        natpmp.PortMapResponse(b"\0\x82\0\0")
    with pytest.raises(natpmp.NATPMPError):
        natpmp.PublicAddressResponse(b"")


def test_high_level_calls(gateway):
    g = gateway()
    assert natpmp.get_public_address(gateway_ip=g.address) == "203.0.113.7"
    r = natpmp.map_port(natpmp.NATPMP_PROTOCOL_UDP, 40001, 40000, 600,
                        gateway_ip=g.address)
    assert isinstance(r, natpmp.PortMapResponse)
    assert (r.version, r.opcode, r.result, r.private_port, r.public_port,
            r.lifetime) == (0, 129, 0, 40000, 40001, 600)
    t = natpmp.map_tcp_port(40002, 40002, gateway_ip=g.address)
    assert (t.opcode, t.lifetime) == (130, 3600)
    u = natpmp.map_udp_port(40003, 40003, lifetime=60, gateway_ip=g.address)
    assert (u.opcode, u.lifetime) == (129, 60)
    # lifetime 0 deletes (RFC 6886 §3.4)
    natpmp.map_port(natpmp.NATPMP_PROTOCOL_UDP, 0, 40000, 0,
                    gateway_ip=g.address)
    assert g.dump()[0]["mappings"] == 2
    # NAT-PMP only, never PCP: this is py-natpmp's API
    assert {e["version"] for e in g.requests()} == {0}
    with pytest.raises(ValueError):
        natpmp.map_port(3, 1, 1, gateway_ip=g.address)


def test_result_errors(gateway):
    g = gateway("--result", "2")
    with pytest.raises(natpmp.NATPMPResultError) as ei:
        natpmp.map_tcp_port(40010, 40010, gateway_ip=g.address)
    code, text, resp = ei.value.args
    assert (code, text) == (2, natpmp.error_str(2))
    assert isinstance(resp, natpmp.PortMapResponse) and resp.result == 2
    r = natpmp.map_tcp_port(40010, 40010, gateway_ip=g.address,
                            use_exception=False)
    assert r.result == 2 and r.opcode == 130
    with pytest.raises(natpmp.NATPMPResultError) as ei:
        natpmp.get_public_address(gateway_ip=g.address)
    assert ei.value.args[0] == 2
    assert isinstance(ei.value.args[2], natpmp.PublicAddressResponse)


def test_zero_address_is_an_error(gateway):
    g = gateway("--zero-address")
    with pytest.raises(natpmp.NATPMPResultError) as ei:
        natpmp.get_public_address(gateway_ip=g.address)
    assert ei.value.args[0] == natpmp.NATPMP_RESULT_NETWORK_FAILURE


def test_no_support(gateway, silent_address):
    # ICMP port unreachable: at once
    t0 = time.monotonic()
    with pytest.raises(natpmp.NATPMPUnsupportedError) as ei:
        natpmp.get_public_address(gateway_ip=silent_address)
    assert time.monotonic() - t0 < 1.0
    assert ei.value.args == (-11, "The gateway does not support NAT-PMP")
    # silence: retry sends on RFC 6886's schedule, 0.25 * (2**3 - 1) s
    g = gateway("--silent")
    t0 = time.monotonic()
    with pytest.raises(natpmp.NATPMPUnsupportedError):
        natpmp.map_udp_port(40020, 40020, gateway_ip=g.address, retry=3)
    assert 1.6 < time.monotonic() - t0 < 3.0
    assert len(g.requests()) == 3
    # answers cut short are ignored, never a crash
    g = gateway("--truncate", "10")
    with pytest.raises(natpmp.NATPMPUnsupportedError):
        natpmp.map_udp_port(40021, 40021, gateway_ip=g.address, retry=2)
    with pytest.raises(natpmp.NATPMPUnsupportedError):
        natpmp.send_request_with_retry(
            g.address, natpmp.PortMapRequest(1, 40021, 40021),
            natpmp.PortMapResponse, retry=2)
    with pytest.raises(natpmp.NATPMPNetworkError) as ei:
        natpmp.get_public_address(gateway_ip="not an address")
    assert ei.value.args[0] == natpmp.NATPMP_GATEWAY_NO_VALID_GATEWAY


def test_low_level_socket_calls(gateway):
    g = gateway()
    s = natpmp.get_gateway_socket(g.address)
    try:
        assert s.getpeername() == (g.address, 5351)
        assert s.gettimeout() == 0.0       # non-blocking
        natpmp.send_request(s, natpmp.PublicAddressRequest())
        data, source = natpmp.read_response(s, 2, responseSize=12)
        assert source == (g.address, 5351) and len(data) == 12
        assert natpmp.PublicAddressResponse(data).ip == "203.0.113.7"
        assert natpmp.read_response(s, 0.05) == ("", ("", ""))
    finally:
        s.close()
    with pytest.raises(natpmp.NATPMPNetworkError):
        natpmp.get_gateway_socket("")
    r = natpmp.send_request_with_retry(
        g.address, natpmp.PortMapRequest(2, 40030, 40031, 60),
        response_data_class=natpmp.PortMapResponse, retry=3,
        retry_increment=0.1)
    assert (r.private_port, r.public_port, r.lifetime) == (40030, 40031, 60)
    raw = natpmp.send_request_with_retry(g.address,
                                         natpmp.PublicAddressRequest(),
                                         response_size=12)
    assert raw[:2] == b"\0\x80"
    # an error answer of 8 bytes alone (RFC 6886 §3.5) is read, not lost
    bad = gateway("--result", "5", "--truncate", "8")
    r = natpmp.send_request_with_retry(
        bad.address, natpmp.PortMapRequest(1, 1, 1), natpmp.PortMapResponse,
        retry=2)
    assert r.result == 5


def test_nat_pmp_object(gateway):
    g = gateway()
    n = natpmp.NatPMP()
    with pytest.raises(natpmp.NATPMPError):
        n.forward_port("SCTP", 1, None)
    with pytest.raises(natpmp.NATPMPError):
        n.forward_port("TCP", 0, None)
    # forward_port uses the default gateway: point the module at ours
    orig = NATPMP.get_gateway_addr
    NATPMP.get_gateway_addr = lambda: g.address
    try:
        r = n.forward_port("tcp", 65535, None)
        assert (r.opcode, r.private_port) == (130, 65535)   # TCP is TCP
        r = n.forward_port("UDP", 40040, "127.0.0.1", 40041)
        assert (r.opcode, r.public_port, r.private_port) == (129, 40040,
                                                             40041)
        # NAT-PMP cannot map to another host: said, not ignored
        with pytest.raises(natpmp.NATPMPError) as ei:
            n.forward_port("TCP", 40042, "192.0.2.99")
        assert "only to the host that asks (127.0.0.1)" in str(ei.value)
        assert g.dump()[0]["mappings"] == 2
    finally:
        NATPMP.get_gateway_addr = orig


def test_threads_one_request_at_a_time(gateway):
    """py-natpmp sent requests in parallel from threads; here eight
    threads' map_port calls reach the gateway one at a time (answers are
    150 ms late, requests ~150 ms apart)."""
    g = gateway("--delay", "150")
    natpmp.get_public_address(gateway_ip=g.address)
    errors = []

    def work(port):
        try:
            natpmp.map_udp_port(port, port, 120, gateway_ip=g.address)
        except Exception as e:      # pragma: no cover
            errors.append(e)
    threads = [threading.Thread(target=work, args=(41000 + i,))
               for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    times = [e["t"] for e in g.requests("map")]
    assert len(times) == 8
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.13


def run_client(*args):
    return subprocess.run([sys.executable, CLIENT] + list(args),
                          capture_output=True, text=True, timeout=60)


def test_client_script(gateway):
    g = gateway()
    p = run_client("-u", "-l", "1800", "-g", g.address, "60009", "60009")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("PortMapResponse: version 0, opcode 129 "
                               "(129), result 0, ssec ")
    assert p.stdout.endswith(", private_port 60009, public port 60009, "
                             "lifetime 1800\n")
    p = run_client("-g", g.address, "60011", "60022")
    assert "opcode 130 (130)" in p.stdout and "private_port 60022, " \
        "public port 60011, lifetime 3600" in p.stdout
    p = run_client("60010")
    assert p.returncode == 255 and p.stdout.startswith("usage: ")
    bad = gateway("--result", "4")
    p = run_client("-g", bad.address, "60012", "60012")
    assert p.returncode == 1 and p.stdout == ""
    assert p.stderr == ("natpmp_client: The NAT-PMP gateway is out of "
                        "resources and cannot create more mappings.\n")


def test_readme_examples_unchanged(gateway, tmp_path):
    """py-natpmp's README command lines and its module's example, with
    only the gateway given."""
    g = gateway()
    for args in (["-u", "-l", "1800", "60009", "60009"],
                 ["60010", "60010"], ["-g", "10.0.1.1", "60011", "60022"]):
        if "-g" in args:
            args[args.index("-g") + 1] = g.address
        else:
            args = ["-g", g.address] + args
        p = run_client(*args)
        assert p.returncode == 0 and p.stdout.startswith("PortMapResponse"),\
            (args, p.stderr)
    script = tmp_path / "example.py"
    script.write_text(
        "from natpmp import *\n"
        "addr = get_public_address(gateway_ip=%r)\n"
        "map_resp = map_tcp_port(62001, 62001, gateway_ip=%r)\n"
        "print(addr)\n"
        "print(map_resp.__dict__)\n" % (g.address, g.address))
    p = subprocess.run([sys.executable, str(script)], capture_output=True,
                       text=True, timeout=60,
                       env=dict(os.environ))
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0] == "203.0.113.7"
    d = eval(lines[1])          # the dict py-natpmp prints
    assert d["public_port"] == 62001 and d["result"] == 0 and \
        d["opcode"] == 130 and d["lifetime"] == 3600


def test_gateway_discovery_reads_routes_only():
    # rtnetlink, no netstat: either a gateway or NATPMPNetworkError
    try:
        gw = natpmp.get_gateway_addr()
    except natpmp.NATPMPNetworkError as e:
        assert e.args[0] == natpmp.NATPMP_GATEWAY_CANNOT_FIND
        return
    socket.inet_aton(gw)


@pytest.mark.parametrize("code", range(1, 6))
def test_every_result_code(gateway, code):
    g = gateway("--result", str(code))
    with pytest.raises(natpmp.NATPMPResultError) as ei:
        natpmp.map_udp_port(40050, 40050, gateway_ip=g.address, retry=3)
    assert ei.value.args[:2] == (code, natpmp.error_str(code))
    assert ei.value.args[2].result == code
    r = natpmp.map_udp_port(40050, 40050, gateway_ip=g.address, retry=3,
                            use_exception=False)
    assert r.result == code
