"""The Pythonic module `pmp` against pmp-gateway on loopback: results as
granted, every exception class with its status and text, PCP and NAT-PMP,
kept mappings across a gateway restart, asyncio without threads, and the
ctypes layouts against the C compiler's."""
import asyncio
import json
import os
import subprocess
import threading
import time

import pytest

import pmp
from pmp import _lib

BUILD = os.environ.get("PMP_BUILD", "build")


def test_layouts_match_the_compiler():
    c = json.loads(subprocess.check_output(
        [os.path.join(BUILD, "test", "py_layout")]))
    assert set(c) == set(_lib.STRUCTS)
    for name, cls in _lib.STRUCTS.items():
        import ctypes
        assert ctypes.sizeof(cls) == c[name]["size"], name
        got = {f[0]: getattr(cls, f[0]).offset for f in cls._fields_}
        assert got == c[name]["fields"], name


def test_map_over_pcp_by_default(gateway):
    g = gateway()
    with pmp.Client(g.address) as c:
        assert c.protocol == "pcp"
        m = c.map(5000, udp=True, lifetime=600)
        assert m == pmp.Mapping(
            protocol="pcp", transport="udp", public_address="203.0.113.7",
            public_port=5000, private_port=5000, private_address="127.0.0.1",
            lifetime=600, epoch=m.epoch, gateway=g.address, nonce=m.nonce)
        assert len(m.nonce) == 12 and not m.pinhole
        with pytest.raises(AttributeError):
            m.public_port = 1
        assert m.replace(public_port=1).public_port == 1
        summary, rows = g.dump()
        assert summary["mappings"] == 1
        assert rows[0]["public_port"] == 5000
        # one round trip: the MAP answer names the address
        assert [e["event"] for e in g.requests()] == ["map"]
        c.unmap(5000, udp=True, nonce=m.nonce)
        assert g.dump()[0]["mappings"] == 0


def test_natpmp_forced_and_the_granted_port(gateway):
    g = gateway("--port-offset", "7")
    with pmp.Client(g.address, protocol="natpmp") as c:
        assert c.public_address() == "203.0.113.7"
        m = c.map(6000, lifetime=120)
        assert (m.protocol, m.transport, m.public_port, m.private_port,
                m.lifetime, m.nonce) == ("natpmp", "tcp", 6007, 6000, 120,
                                         None)
        assert m.public_address == "203.0.113.7"
        c.unmap(6000)
        c.unmap_all(udp=True)
    assert [e["version"] for e in g.requests()] == [0, 0, 0, 0]


def test_gateway_refusal(gateway):
    g = gateway("--result", "2")
    with pmp.Client(g.address) as c:
        with pytest.raises(pmp.GatewayError) as ei:
            c.map(5001)
    e = ei.value
    assert (e.status, e.protocol, e.result_code, e.result_text) == (
        -8, "pcp", 2, "not authorized")
    assert "result code 2, not authorized" in str(e)
    assert isinstance(e, pmp.Error)
    with pmp.Client(g.address, protocol="natpmp") as c:
        with pytest.raises(pmp.GatewayError) as ei:
            c.map(5001)
    assert (ei.value.protocol, ei.value.result_code) == ("natpmp", 2)
    assert ei.value.result_text.startswith("not authorized or refused")


def test_errors(gateway, silent_address):
    # ICMP port unreachable ends it at once
    t0 = time.monotonic()
    with pmp.Client(silent_address) as c:
        with pytest.raises(pmp.Refused) as ei:
            c.public_address()
    assert time.monotonic() - t0 < 1.0
    assert ei.value.status == -7 and ei.value.text == pmp.Refused(
        -7).text
    # silence: the client's timeout
    g = gateway("--silent")
    t0 = time.monotonic()
    with pmp.Client(g.address, protocol="natpmp", timeout=0.6) as c:
        with pytest.raises(pmp.Timeout):
            c.map(5002)
    assert 0.5 < time.monotonic() - t0 < 2.0
    # 0.0.0.0 is no address
    g = gateway("--zero-address")
    with pmp.Client(g.address, protocol="natpmp") as c:
        with pytest.raises(pmp.NoAddress):
            c.public_address()
    # bad arguments: ValueError too, nothing sent
    with pytest.raises(pmp.InvalidArgument):
        pmp.Client("300.1.1.1")
    with pytest.raises(ValueError):
        pmp.Client(protocol="smtp")
    g = gateway()
    with pmp.Client(g.address) as c:
        with pytest.raises(pmp.InvalidArgument):
            c.map(70000)
        with pytest.raises(pmp.InvalidArgument):
            c.map(5003, lifetime=0)
        with pytest.raises(pmp.InvalidArgument):
            c.map(5003, nonce=b"short")
        # PCP has no delete-all
        with pytest.raises(pmp.Unsupported):
            c.unmap_all()
    assert g.requests() == []
    with pmp.Client(g.address, protocol="natpmp") as c:
        with pytest.raises(pmp.Unsupported):      # a PCP-only option
            c.map(5004, prefer_failure=True)
    c = pmp.Client(g.address)
    c.close()
    with pytest.raises(pmp.Error):
        c.map(5005)


def test_pcp_options(gateway):
    g = gateway()
    with pmp.Client(g.address) as c:
        m = c.map(5010, udp=True, public_port=5010, prefer_failure=True,
                  filters=["192.0.2.0/24:443", "2001:db8::/32"])
        assert m.public_port == 5010
        # another nonce may not delete it (RFC 6887 §11.3)
        with pytest.raises(pmp.GatewayError) as ei:
            c.unmap(5010, udp=True, nonce=bytes(12))
        assert ei.value.result_code == 2
        p = c.map(5011, udp=True, peer=("198.51.100.9", 443))
        assert p.protocol == "pcp" and p.public_port != 0
        with pytest.raises(pmp.GatewayError) as ei:
            c.map(5012, third_party="127.0.0.9")
        assert ei.value.result_text == "unsupported option"


def test_threads_share_one_queue(gateway):
    """Eight threads mapping over NAT-PMP at once: one request on the
    wire at a time (RFC 6886 §3.1): with answers 150 ms late, requests
    reach the gateway at least ~150 ms apart."""
    g = gateway("--delay", "150")
    c = pmp.Client(g.address, protocol="natpmp")
    c.public_address()
    results, errors = [], []

    def work(port):
        try:
            results.append(c.map(port, lifetime=60))
        except Exception as e:      # pragma: no cover - reported below
            errors.append(e)
    threads = [threading.Thread(target=work, args=(7000 + i,))
               for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    c.close()
    assert not errors
    assert sorted(m.private_port for m in results) == list(range(7000, 7008))
    times = [e["t"] for e in g.requests("map")]
    assert len(times) == 8
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.13, gaps


def test_keep_across_a_restart(gateway):
    g = gateway("--max-lifetime", "4", "--announce-count", "0")
    with pmp.Client(g.address) as c:
        with c.keep(6100, udp=True) as kept:
            seen = []
            for ev in kept:
                seen.append(ev.type)
                if ev.type == "mapped":
                    assert (ev.protocol, ev.transport, ev.public_port,
                            ev.public_address, ev.lifetime) == (
                        "pcp", "udp", 6100, "203.0.113.7", 4)
                if seen.count("renewed") == 3:     # ~6 s of epoch
                    break
            g.restart("--max-lifetime", "4", "--announce-count", "0")
            while True:
                ev = kept.next_event(15)
                assert ev is not None, seen
                seen.append(ev.type)
                if ev.type == "restored":
                    break
            assert "gateway-restarted" in seen
            assert g.dump()[0]["mappings"] == 1
        assert kept.next_event(0) is None
        assert g.dump()[0]["mappings"] == 0


def test_async_without_threads(gateway):
    g = gateway()

    async def main():
        before = threading.active_count()
        async with pmp.AsyncClient(g.address) as c:
            addr = await c.public_address()
            # several PCP requests in flight at once
            ms = await asyncio.gather(*(c.map(5100 + i, udp=True,
                                              lifetime=300)
                                        for i in range(5)))
            with pytest.raises(pmp.InvalidArgument):
                await c.map(0)
            await c.unmap(5100, udp=True)
            assert threading.active_count() == before
            return addr, ms
    addr, ms = asyncio.run(main())
    assert addr == "203.0.113.7"
    assert [m.public_port for m in ms] == [5100 + i for i in range(5)]
    assert g.dump()[0]["mappings"] == 4


def test_async_errors_and_natpmp(gateway, silent_address):
    g = gateway("--result", "4")

    async def main():
        async with pmp.AsyncClient(g.address) as c:
            with pytest.raises(pmp.GatewayError) as ei:
                await c.map(5200)
            assert ei.value.result_code == 8 or ei.value.result_code == 4
        async with pmp.AsyncClient(silent_address) as c:
            with pytest.raises(pmp.Refused):
                await c.public_address()
        ok = gateway()
        async with pmp.AsyncClient(ok.address, protocol="natpmp") as c:
            m = await c.map(5201)
            return m
    m = asyncio.run(main())
    # NAT-PMP's answer names no address: asked for, as the blocking call
    assert (m.protocol, m.public_address) == ("natpmp", "203.0.113.7")


def test_async_keep_and_restart(gateway):
    g = gateway("--max-lifetime", "4", "--announce-count", "0")

    async def main():
        seen = []
        async with pmp.AsyncClient(g.address) as c:
            async with c.keep(6200) as kept:
                async for ev in kept:
                    seen.append(ev.type)
                    if seen.count("renewed") == 3:
                        break
                g.restart("--max-lifetime", "4", "--announce-count", "0")
                while "restored" not in seen:
                    ev = await kept.next_event(15)
                    assert ev is not None, seen
                    seen.append(ev.type)
            return seen
    seen = asyncio.run(main())
    assert seen[0] == "mapped" and "gateway-restarted" in seen
    assert g.dump()[0]["mappings"] == 0      # deleted on leaving


def test_discover_gateway():
    # reads the routing table only; sends nothing
    try:
        info = pmp.discover_gateway()
    except pmp.NoGateway:
        return
    assert info.method in ("netlink", "proc-route")
    assert isinstance(info.interface, str)


@pytest.mark.parametrize("code", range(1, 14))
def test_every_pcp_result_code(gateway, code):
    g = gateway("--result", str(code))
    with pmp.Client(g.address, protocol="pcp", timeout=2) as c:
        with pytest.raises(pmp.GatewayError) as ei:
            c.map(5300)
    e = ei.value
    assert (e.status, e.protocol, e.result_code) == (-8, "pcp", code)
    assert e.result_text == _lib.result_code_text(_lib.METHOD_PCP, code)
    assert e.result_text != "unknown result code"


@pytest.mark.parametrize("code", range(1, 6))
def test_every_natpmp_result_code(gateway, code):
    g = gateway("--result", str(code))
    with pmp.Client(g.address, protocol="natpmp", timeout=2) as c:
        with pytest.raises(pmp.GatewayError) as ei:
            c.map(5301)
    assert (ei.value.protocol, ei.value.result_code) == ("natpmp", code)
    assert ei.value.result_text != "unknown result code"


def test_upnp_with_no_api_change(gateway):
    """protocol="upnp" reaches UPnP-IGD with the same calls and results,
    keep included (deleted when the with block ends)."""
    g = gateway("--upnp")
    with pmp.Client(g.address, protocol="upnp") as c:
        assert c.protocol == "upnp"
        assert c.public_address() == "203.0.113.7"
        m = c.map(5400, udp=True, lifetime=900)
        assert (m.protocol, m.transport, m.public_address, m.public_port,
                m.lifetime, m.nonce) == ("upnp", "udp", "203.0.113.7", 5400,
                                         900, None)
        assert g.dump()[0]["mappings"] == 1
        c.unmap(5400, udp=True)
        assert g.dump()[0]["mappings"] == 0
        with c.keep(5401, lifetime=600) as kept:
            ev = next(iter(kept))
            assert (ev.type, ev.protocol, ev.public_port, ev.lifetime) == (
                "mapped", "upnp", 5401, 600)
            assert g.dump()[0]["mappings"] == 1
        assert g.dump()[0]["mappings"] == 0
        igd = c.igd_info()
        assert (igd.friendly_name, igd.model_name, igd.status) == (
            "pmp-gateway", "pmp-gateway test IGD", "Connected")
        assert igd.service.endswith(":service:WANIPConnection:2")
        assert igd.location == "http://%s:5000/rootDesc.xml" % g.address
        assert igd.picked.startswith("on the gateway's address")
    with pmp.Client(g.address, protocol="pcp") as c:
        c.public_address()
        assert c.igd_info() is None
    g2 = gateway("--upnp", "--upnp-fault", "725")
    with pmp.Client(g2.address, protocol="upnp") as c:
        m = c.map(5402)
        assert m.lifetime == 0          # permanent: the router took no lease
    g3 = gateway("--upnp", "--upnp-version", "1", "--upnp-fault", "718")
    with pmp.Client(g3.address, protocol="upnp") as c:
        with pytest.raises(pmp.GatewayError) as ei:
            c.map(5403)
    assert (ei.value.protocol, ei.value.result_code) == ("upnp", 718)
    assert "conflict" in ei.value.result_text


def test_auto_falls_to_upnp(gateway):
    """The default protocol ("auto") on a router silent to PCP and NAT-PMP
    maps over UPnP-IGD at once and says so; with all three, PCP."""
    g = gateway("--upnp", "--silent")
    with pmp.Client(g.address) as c:
        t0 = time.monotonic()
        m = c.map(5410, udp=True, lifetime=900)
        assert time.monotonic() - t0 < 1.0      # no wait for silence
        assert (m.protocol, m.public_port) == ("upnp", 5410)
    g2 = gateway("--upnp")
    with pmp.Client(g2.address) as c:
        assert c.map(5411).protocol == "pcp"


def test_async_upnp(gateway):
    """AsyncClient over UPnP-IGD: the TCP connections on the event loop
    (add_writer while connecting, add_reader for the answer)."""
    g = gateway("--upnp")

    async def main():
        async with pmp.AsyncClient(g.address, protocol="upnp") as c:
            addr = await c.public_address()
            ms = await asyncio.gather(*(c.map(7000 + i, udp=True,
                                              lifetime=300)
                                        for i in range(3)))
            await c.unmap(7000, udp=True)
            return addr, ms
    addr, ms = asyncio.run(main())
    assert addr == "203.0.113.7"
    assert [m.public_port for m in ms] == [7000, 7001, 7002]
    assert {m.protocol for m in ms} == {"upnp"}
    assert g.dump()[0]["mappings"] == 2
