"""pmp: port mapping (PCP, NAT-PMP) for Python, over libpmp.

    import pmp

    with pmp.Client() as client:              # the default gateway, auto
        print(client.public_address())
        m = client.map(8080, lifetime=3600)   # TCP; udp=True for UDP
        print(m.protocol, m.public_address, m.public_port)
        client.unmap(8080, nonce=m.nonce)

        with client.keep(51413, udp=True) as kept:   # renewed, restored
            for event in kept:                       # blocks; Ctrl-C ends
                print(event.type, event.public_port)

asyncio, without threads (the client's sockets on the event loop)::

    async with pmp.AsyncClient() as client:
        m = await client.map(8080)

Every call is thread-safe: the requests of all threads share the client's
one queue (NAT-PMP: one request on the wire at a time, RFC 6886 §3.1).
Failures raise ``pmp.Error`` subclasses carrying the library's status and,
for a gateway's refusal, its result code and text.
"""
from __future__ import annotations

import collections
import ctypes
import select
import socket
import threading
import time
from . import _lib
from ._lib import lib

# (type checkers treat TYPE_CHECKING as true; importing typing itself at
# run time costs start-up, and the annotations are strings)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import (Any, Deque, Dict, Iterator, List, Optional,
                        Sequence, Tuple)
    from .aio import AsyncClient

__all__ = [
    "Client", "AsyncClient", "Keep", "Mapping", "Event", "GatewayInfo",
    "IgdInfo",
    "discover_gateway", "Error", "InvalidArgument", "Timeout",
    "NotSupported", "Refused", "GatewayError", "NoAddress", "NotGranted",
    "NoGateway", "Unsupported", "BadAnswer", "Cancelled", "SystemError_",
    "DEFAULT_LIFETIME", "__version__", "library_path",
]

__version__ = lib.pmp_version_str().decode()
library_path = _lib.path
DEFAULT_LIFETIME = 7200

_PROTOCOLS = {"auto": 0, "natpmp": 1 << _lib.METHOD_NATPMP,
              "pcp": 1 << _lib.METHOD_PCP, "upnp": 1 << _lib.METHOD_UPNP}
_METHOD_NAMES = {_lib.METHOD_NONE: None, _lib.METHOD_NATPMP: "natpmp",
                 _lib.METHOD_PCP: "pcp", _lib.METHOD_UPNP: "upnp"}
_EVENT_NAMES = {1: "mapped", 2: "renewed", 3: "port-changed",
                4: "address-changed", 5: "gateway-restarted", 6: "lost",
                7: "restored", 8: "retrying", 9: "deleted",
                10: "announcement"}


# ---------------------------------------------------------------- errors

class Error(Exception):
    """A libpmp failure: ``status`` is the PMP_E* code (negative),
    ``text`` its description (pmp_strerror)."""

    def __init__(self, status: int, message: Optional[str] = None):
        self.status = status
        self.text = _lib.strerror(status)
        super().__init__(message or self.text)


class InvalidArgument(Error, ValueError):
    """PMP_EINVAL: a bad port, lifetime, gateway, option..."""


class Timeout(Error):
    """PMP_ETIMEDOUT: the client's timeout passed before an answer."""


class NotSupported(Error):
    """PMP_ENOSUPPORT: no answer to the protocol's whole schedule."""


class Refused(Error):
    """PMP_EREFUSED: ICMP port unreachable: nothing listens there."""


class GatewayError(Error):
    """PMP_EGATEWAY: the gateway refused; ``result_code`` is the
    protocol's code, ``result_text`` its name, ``protocol`` which."""

    def __init__(self, status: int, protocol: Optional[str],
                 result_code: int, result_text: str):
        self.protocol = protocol
        self.result_code = result_code
        self.result_text = result_text
        super().__init__(status, "gateway refused (%s): result code %d, %s"
                         % (protocol or "?", result_code, result_text))


class NoAddress(Error):
    """PMP_ENOADDR: the gateway has no public address (0.0.0.0)."""


class NotGranted(Error):
    """PMP_ENOTGRANTED: success without a mapping (lifetime or port 0)."""


class NoGateway(Error):
    """PMP_ENOROUTE / PMP_ENOGWADDR: no gateway could be found; give one."""


class Unsupported(Error):
    """PMP_EUNSUPPORTED: not available here (system, protocol, option)."""


class BadAnswer(Error):
    """PMP_EBADANSWER: the gateway's (UPnP-IGD's) answer could not be read:
    not HTTP or SOAP, or over its size limit."""


class Cancelled(Error):
    """PMP_ECANCELED: the client was closed before the request finished."""


class SystemError_(Error):
    """PMP_ESYS: a system call failed; ``errno`` says which error."""

    def __init__(self, status: int, errno: int = 0):
        self.errno = errno
        import os
        super().__init__(status, "%s: %s" % (_lib.strerror(status),
                                             os.strerror(errno))
                         if errno else None)


_ERRORS = {_lib.EINVAL: InvalidArgument, _lib.ETIMEDOUT: Timeout,
           _lib.ENOSUPPORT: NotSupported, _lib.EREFUSED: Refused,
           _lib.ENOADDR: NoAddress, _lib.ENOTGRANTED: NotGranted,
           _lib.ENOROUTE: NoGateway, _lib.ENOGWADDR: NoGateway,
           _lib.EUNSUPPORTED: Unsupported, _lib.ECANCELED: Cancelled,
           _lib.EBADANSWER: BadAnswer}


def _error(status: int, res: Optional[_lib.Result] = None,
           errno: int = 0) -> Error:
    if status == _lib.EGATEWAY and res is not None:
        return GatewayError(status, _METHOD_NAMES.get(res.method),
                            res.result_code,
                            _lib.result_code_text(res.method,
                                                  res.result_code))
    if status == _lib.ESYS:
        return SystemError_(status, errno)
    return _ERRORS.get(status, Error)(status)


# ------------------------------------------------------------- addresses

def _addr_text(b) -> Optional[str]:
    """16 bytes (IPv4-mapped for IPv4) as text; None for all zero and
    for ::ffff:0.0.0.0 (no address)."""
    raw = bytes(b)
    if raw == bytes(16) or raw == bytes(10) + b"\xff\xff" + bytes(4):
        return None
    if raw[:12] == bytes(10) + b"\xff\xff":
        return socket.inet_ntoa(raw[12:])
    if raw[0] == 0xfe and (raw[1] & 0xc0) == 0x80 and raw[2:4] != b"\0\0":
        # link-local with its interface in bytes 2-3 (pmp.h)
        index = raw[2] << 8 | raw[3]
        text = socket.inet_ntop(socket.AF_INET6, raw[:2] + b"\0\0" +
                                raw[4:])
        try:
            return "%s%%%s" % (text, socket.if_indextoname(index))
        except OSError:
            return "%s%%%d" % (text, index)
    return socket.inet_ntop(socket.AF_INET6, raw)


def _addr_bytes(text: str) -> bytes:
    """An address (IPv4 or IPv6 text) as 16 bytes, IPv4-mapped."""
    try:
        return bytes(10) + b"\xff\xff" + socket.inet_pton(socket.AF_INET,
                                                          text)
    except (OSError, TypeError):
        pass
    try:
        return socket.inet_pton(socket.AF_INET6, text)
    except (OSError, TypeError):
        raise InvalidArgument(_lib.EINVAL, "not an IP address: %r" % text)


def _parse_gateway(text: str) -> Tuple[bytes, int]:
    buf = (ctypes.c_uint8 * 16)()
    port = ctypes.c_uint16()
    if lib.pmp_parse_gateway(text.encode(), buf, ctypes.byref(port)) != 0:
        raise InvalidArgument(_lib.EINVAL, "not a gateway address: %r "
                              "(a.b.c.d[:port], IPv6, [IPv6]:port)" % text)
    return bytes(buf), port.value


# --------------------------------------------------------------- results

class _Record:
    """A frozen record (dataclass-like: keyword construction, equality,
    repr, replace()), without dataclasses' cost at import."""
    __slots__ = ()

    def __init__(self, **fields: Any) -> None:
        for name in self.__slots__:
            object.__setattr__(self, name, fields.pop(name))
        if fields:
            raise TypeError("unknown fields: %s" % ", ".join(fields))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("%s is frozen" % type(self).__name__)

    def __delattr__(self, name: str) -> None:
        raise AttributeError("%s is frozen" % type(self).__name__)

    def _values(self) -> tuple:
        return tuple(getattr(self, n) for n in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and \
            self._values() == other._values()  # type: ignore

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return "%s(%s)" % (type(self).__name__, ", ".join(
            "%s=%r" % (n, getattr(self, n)) for n in self.__slots__))

    def replace(self, **changes: Any):
        """A copy with some fields changed."""
        fields = {n: getattr(self, n) for n in self.__slots__}
        fields.update(changes)
        return type(self)(**fields)

    def asdict(self) -> dict:
        return {n: getattr(self, n) for n in self.__slots__}


class Mapping(_Record):
    """A granted mapping, as the gateway really granted it:
    protocol ("pcp" or "natpmp": who served it), transport ("udp",
    "tcp"), public_address (None if the gateway never said), public_port,
    private_port, private_address (the host it points to), lifetime
    (seconds granted), epoch (the gateway's seconds since its start),
    gateway, nonce (PCP: give it back to renew or delete)."""
    __slots__ = ("protocol", "transport", "public_address", "public_port",
                 "private_port", "private_address", "lifetime", "epoch",
                 "gateway", "nonce")

    @property
    def pinhole(self) -> bool:
        """An IPv6 firewall pinhole: no translation."""
        return (self.public_address is not None and
                self.public_address == self.private_address)


def _mapping(res: _lib.Result) -> Mapping:
    nonce = bytes(res.nonce)
    return Mapping(
        protocol=_METHOD_NAMES.get(res.method),
        transport="udp" if res.protocol == _lib.PROTO_UDP else "tcp",
        public_address=_addr_text(res.public_address),
        public_port=res.public_port, private_port=res.private_port,
        private_address=_addr_text(res.private_address),
        lifetime=res.lifetime, epoch=res.epoch,
        gateway=_addr_text(res.gateway),
        nonce=nonce if nonce != bytes(12) else None)


class Event(_Record):
    """What happened to a kept mapping (or to the gateway: keep_id 0),
    the same events as ``pmp keep`` prints: type ("mapped", "renewed",
    "port-changed", "address-changed", "gateway-restarted", "lost",
    "restored", "retrying", "deleted", "announcement"), keep_id,
    protocol, transport (None for the gateway's own events),
    private_port, public_port, previous_public_port, public_address,
    previous_address, lifetime, epoch, retry_ms, status (0, or the PMP_E*
    code: lost, retrying), error (its text), result_code and result_text
    (a gateway's refusal)."""
    __slots__ = ("type", "keep_id", "protocol", "transport", "private_port",
                 "public_port", "previous_public_port", "public_address",
                 "previous_address", "lifetime", "epoch", "retry_ms",
                 "status", "error", "result_code", "result_text")


def _event(ev: _lib.Event) -> Event:
    refused = ev.status == _lib.EGATEWAY
    return Event(
        type=_EVENT_NAMES.get(ev.type, str(ev.type)), keep_id=ev.keep_id,
        protocol=_METHOD_NAMES.get(ev.method),
        transport=None if ev.protocol == 0 else
        ("udp" if ev.protocol == _lib.PROTO_UDP else "tcp"),
        private_port=ev.private_port, public_port=ev.public_port,
        previous_public_port=ev.previous_public_port,
        public_address=_addr_text(ev.public_address),
        previous_address=_addr_text(ev.previous_address),
        lifetime=ev.lifetime, epoch=ev.epoch, retry_ms=ev.retry_ms,
        status=ev.status,
        error=_lib.strerror(ev.status) if ev.status else None,
        result_code=ev.result_code if refused else 0,
        result_text=_lib.result_code_text(ev.method, ev.result_code)
        if refused else None)


class GatewayInfo(_Record):
    """gateway (None: the route has none, give it with -g), source (our
    address on that route), interface, method ("netlink", "proc-route",
    "route-socket", "best-route": Windows' GetBestRoute2)."""
    __slots__ = ("gateway", "source", "interface", "method")


class IgdInfo(_Record):
    """The UPnP-IGD a client found (what ``pmp probe`` prints): its
    description's friendly_name, manufacturer, model_name, the connection
    service it uses, its description's location, the status GetStatusInfo
    gave, and why it was picked among those that answered; "" where
    unknown.  The names come from the router: any text."""
    __slots__ = ("friendly_name", "manufacturer", "model_name", "service",
                 "location", "status", "picked")


def _text(b: bytes) -> str:
    return b.decode("utf-8", "replace")


def discover_gateway(ipv6: bool = False) -> GatewayInfo:
    """The gateway the system's routing would use (rtnetlink on Linux);
    sends nothing.  Raises NoGateway if there is none."""
    info = _lib.GatewayInfo()
    f = lib.pmp_discover_gateway6 if ipv6 else lib.pmp_discover_gateway
    rc = f(ctypes.byref(info))
    if rc != 0:
        raise _error(rc)
    return GatewayInfo(gateway=_addr_text(info.gateway),
                       source=_addr_text(info.source),
                       interface=info.ifname.decode(errors="replace"),
                       method={1: "netlink", 2: "proc-route",
                               3: "route-socket",
                               4: "best-route"}.get(info.method, "?"))


def _map_params(port: int, udp: bool, public_port: Optional[int],
                lifetime: int, nonce: Optional[bytes],
                prefer_failure: bool, filters: Sequence[str],
                peer: Optional[Tuple[str, int]],
                third_party: Optional[str],
                public_address: Optional[str],
                deleting: bool = False) -> _lib.MapParams:
    if not deleting and (not isinstance(lifetime, int) or lifetime < 1):
        raise InvalidArgument(_lib.EINVAL, "lifetime must be >= 1 "
                              "(unmap() deletes)")
    p = _lib.MapParams()
    lib.pmp_map_params_init_size(ctypes.byref(p), ctypes.sizeof(p))
    p.protocol = _lib.PROTO_UDP if udp else _lib.PROTO_TCP
    for name, v, hi in (("port", port, 65535),
                        ("public_port", public_port or 0, 65535),
                        ("lifetime", lifetime, 0xffffffff)):
        if not isinstance(v, int) or not 0 <= v <= hi:
            raise InvalidArgument(_lib.EINVAL, "%s out of range: %r"
                                  % (name, v))
    p.private_port = port
    p.public_port = public_port or 0
    p.lifetime = lifetime
    if nonce is not None:
        if len(nonce) != 12:
            raise InvalidArgument(_lib.EINVAL, "a nonce is 12 bytes")
        p.flags |= _lib.MAP_NONCE
        ctypes.memmove(p.nonce, nonce, 12)
    if prefer_failure:
        p.flags |= _lib.MAP_PREFER_FAILURE
    if third_party is not None:
        p.flags |= _lib.MAP_THIRD_PARTY
        ctypes.memmove(p.third_party, _addr_bytes(third_party), 16)
    if public_address is not None:
        ctypes.memmove(p.public_address, _addr_bytes(public_address), 16)
    if peer is not None:
        p.flags |= _lib.MAP_PEER
        ctypes.memmove(p.peer_address, _addr_bytes(peer[0]), 16)
        p.peer_port = peer[1]
    if len(filters) > _lib.MAX_FILTERS:
        raise InvalidArgument(_lib.EINVAL, "at most %d filters"
                              % _lib.MAX_FILTERS)
    for i, f in enumerate(filters):
        text, _, fport = f.rpartition(":") if f.count(":") == 1 or \
            f.startswith("[") else (f, "", "")
        text = text.strip("[]")
        import ipaddress
        try:
            net = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise InvalidArgument(_lib.EINVAL, "not a prefix: %r" % f)
        flt = p.filters[i]
        ctypes.memmove(flt.address, _addr_bytes(str(net.network_address)),
                       16)
        flt.prefix_len = net.prefixlen + (96 if net.version == 4 else 0)
        flt.port = int(fport) if fport else 0
    p.nfilters = len(filters)
    return p


def _is_plain(nonce, prefer_failure, filters, peer, third_party,
              public_address) -> bool:
    return (nonce is None and not prefer_failure and not filters and
            peer is None and third_party is None and public_address is None)


# ---------------------------------------------------------------- client

class _Base:
    """What Client and AsyncClient share: the libpmp client, its events."""

    def __init__(self, gateway: Optional[str], protocol: str,
                 timeout: Optional[float]):
        if protocol not in _PROTOCOLS:
            raise InvalidArgument(_lib.EINVAL, "protocol is one of %s"
                                  % ", ".join(sorted(_PROTOCOLS)))
        c = ctypes.c_void_p()
        rc = lib.pmp_client_new(ctypes.byref(c))
        if rc != 0:
            raise _error(rc)
        self._c = c
        self._lock = threading.Lock()
        # events per kept mapping (0: the gateway's, to every one)
        self._queues: Dict[int, Deque[Event]] = {}
        self._early: Dict[int, List[Event]] = {}
        # PCP nonces of the mappings this client made (RFC 6887 §11.3:
        # only that nonce deletes), for unmap() without one
        self._nonces: Dict[Tuple[bool, int], bytes] = {}
        self._event_cb = _lib.EVENT_CALLBACK(self._on_event)
        lib.pmp_client_set_event_callback(c, self._event_cb, None)
        try:
            if gateway is not None:
                addr, port = _parse_gateway(gateway)
                buf = (ctypes.c_uint8 * 16).from_buffer_copy(addr)
                rc = lib.pmp_client_set_gateway(c, buf, port)
                if rc != 0:
                    raise InvalidArgument(rc, "cannot use gateway %r"
                                          % gateway)
            rc = lib.pmp_client_set_methods(c, _PROTOCOLS[protocol])
            if rc != 0:
                raise _error(rc)
            if timeout is not None:
                if timeout <= 0:
                    raise InvalidArgument(_lib.EINVAL,
                                          "timeout must be positive")
                lib.pmp_client_set_timeout_ms(c, max(1, int(timeout *
                                                            1000)))
        except BaseException:
            self.close()
            raise

    # The library calls this with its lock held, in the thread that
    # processes: only Python bookkeeping here.
    def _on_event(self, _arg, evp) -> None:
        ev = _event(evp.contents)
        with self._lock:
            if ev.keep_id == 0:
                for q in self._queues.values():
                    q.append(ev)
            elif ev.keep_id in self._queues:
                self._queues[ev.keep_id].append(ev)
            else:
                self._early.setdefault(ev.keep_id, []).append(ev)

    def _register(self, keep_id: int) -> Deque[Event]:
        with self._lock:
            q: Deque[Event] = collections.deque(
                self._early.pop(keep_id, []))
            self._queues[keep_id] = q
            return q

    def _unregister(self, keep_id: int) -> None:
        with self._lock:
            self._queues.pop(keep_id, None)

    def _made(self, m: Mapping, udp: bool) -> Mapping:
        with self._lock:
            if m.nonce is not None:
                self._nonces[(udp, m.private_port)] = m.nonce
        return m

    def _nonce_for(self, port: int, udp: bool,
                   nonce: Optional[bytes]) -> Optional[bytes]:
        with self._lock:
            if nonce is None:
                return self._nonces.pop((udp, port), None)
            self._nonces.pop((udp, port), None)
            return nonce

    def _handle(self) -> ctypes.c_void_p:
        if self._c is None:
            raise Error(_lib.EINVAL, "the client is closed")
        return self._c

    def _poll_fds(self) -> List[Tuple[int, int]]:
        c = self._handle()
        n = lib.pmp_client_poll_fds(c, None, 0, None)
        while True:
            arr = (_lib.Fd * max(n, 1))()
            m = lib.pmp_client_poll_fds(c, arr, n, None)
            if m <= n:
                return [(arr[i].fd, arr[i].events) for i in range(m)]
            n = m

    @property
    def protocol(self) -> Optional[str]:
        """The protocol in use with the gateway ("pcp", "natpmp"); before
        the first request, the one that will be tried first."""
        return _METHOD_NAMES.get(lib.pmp_client_method(self._handle()))

    def igd_info(self) -> Optional[IgdInfo]:
        """The UPnP-IGD this client uses, once one answered (protocol
        "upnp", or "auto" that fell to it); None before, or over PCP and
        NAT-PMP."""
        i = _lib.IgdInfo()
        if lib.pmp_client_igd_info(self._handle(), ctypes.byref(i)) != 0:
            return None
        return IgdInfo(friendly_name=_text(i.friendly_name),
                       manufacturer=_text(i.manufacturer),
                       model_name=_text(i.model_name),
                       service=_text(i.service_type),
                       location=_text(i.location), status=_text(i.status),
                       picked=_text(i.reason))

    @property
    def gateway(self) -> Optional[str]:
        """The gateway in use (None before the first request if none was
        given)."""
        buf = (ctypes.c_uint8 * 16)()
        port = ctypes.c_uint16()
        if lib.pmp_client_gateway(self._handle(), buf,
                                  ctypes.byref(port)) != 0:
            return None
        return _addr_text(buf)

    def close(self) -> None:
        """Free the client.  Kept mappings are dropped without a delete:
        leave their ``with`` blocks (or stop them) first."""
        c, self._c = getattr(self, "_c", None), None
        if c is not None:
            lib.pmp_client_free(c)

    def __del__(self) -> None:
        self.close()


class Client(_Base):
    """A port-mapping client toward one gateway.

    gateway: "a.b.c.d", "a.b.c.d:port", an IPv6 literal or "[v6]:port";
    None discovers the default gateway (rtnetlink) on the first request.
    protocol: "auto" (PCP, falling back to NAT-PMP), "pcp", "natpmp".
    timeout: seconds each request may take (None: the protocol's own
    schedule, up to 127.75 s)."""

    def __init__(self, gateway: Optional[str] = None,
                 protocol: str = "auto", timeout: Optional[float] = None):
        super().__init__(gateway, protocol, timeout)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _check(self, rc: int, res: _lib.Result) -> None:
        if rc != 0:
            raise _error(rc, res, lib.pmp_client_errno(self._handle()))

    def public_address(self) -> str:
        """The gateway's public address."""
        res = _lib.Result()
        self._check(lib.pmp_get_public_address(self._handle(),
                                               ctypes.byref(res)), res)
        text = _addr_text(res.public_address)
        if text is None:
            raise NoAddress(_lib.ENOADDR)
        return text

    def map(self, port: int, *, udp: bool = False,
            public_port: Optional[int] = None,
            lifetime: int = DEFAULT_LIFETIME,
            nonce: Optional[bytes] = None, prefer_failure: bool = False,
            filters: Sequence[str] = (),
            peer: Optional[Tuple[str, int]] = None,
            third_party: Optional[str] = None,
            public_address: Optional[str] = None) -> Mapping:
        """Map port (TCP, or UDP with udp=True) on the gateway and return
        what it granted (the public port may differ from the one asked).
        PCP-only options (nonce, prefer_failure, filters such as
        "192.0.2.0/24:443", peer=(address, port), third_party,
        public_address) raise Unsupported over NAT-PMP."""
        p = _map_params(port, udp, public_port, lifetime, nonce,
                        prefer_failure, filters, peer, third_party,
                        public_address)
        res = _lib.Result()
        if _is_plain(nonce, prefer_failure, filters, peer, third_party,
                     public_address):
            rc = lib.pmp_map(self._handle(), p.protocol, p.private_port,
                             p.public_port, p.lifetime, ctypes.byref(res))
        else:
            rc = lib.pmp_map_with(self._handle(), ctypes.byref(p),
                                  ctypes.byref(res))
        self._check(rc, res)
        return self._made(_mapping(res), udp)

    def unmap(self, port: int, *, udp: bool = False,
              nonce: Optional[bytes] = None) -> None:
        """Delete the mapping of port.  Over PCP the gateway deletes only
        with the nonce that made it: this client remembers those of the
        mappings it made; one made elsewhere needs its Mapping.nonce."""
        res = _lib.Result()
        nonce = self._nonce_for(port, udp, nonce)
        if nonce is None:
            rc = lib.pmp_unmap(self._handle(), _lib.PROTO_UDP if udp else
                               _lib.PROTO_TCP, port, ctypes.byref(res))
        else:
            p = _map_params(port, udp, None, 0, nonce, False, (), None,
                            None, None, deleting=True)
            rc = lib.pmp_map_with(self._handle(), ctypes.byref(p),
                                  ctypes.byref(res))
        self._check(rc, res)

    def unmap_all(self, *, udp: bool = False) -> None:
        """Delete every mapping of this host for the transport (NAT-PMP;
        PCP has no such request: Unsupported)."""
        res = _lib.Result()
        self._check(lib.pmp_unmap_all(self._handle(), _lib.PROTO_UDP if udp
                                      else _lib.PROTO_TCP,
                                      ctypes.byref(res)), res)

    def keep(self, port: int, *, udp: bool = False,
             public_port: Optional[int] = None,
             lifetime: int = DEFAULT_LIFETIME) -> "Keep":
        """Keep a mapping alive (renewed, re-created after gateway
        restarts and address changes, retried after failures) for as
        long as the returned Keep is open; it is a context manager
        (deleting the mapping on exit) and an iterator of Events."""
        kid = lib.pmp_keep(self._handle(), _lib.PROTO_UDP if udp else
                           _lib.PROTO_TCP, port, public_port or 0, lifetime)
        if kid < 0:
            raise _error(kid, None, lib.pmp_client_errno(self._handle()))
        return Keep(self, kid, self._register(kid))

    def process(self, timeout: Optional[float]) -> None:
        """Wait up to timeout seconds (None: until there is something to
        do) for the client's sockets and timers, and do what is due:
        what Keep's iteration calls; for programs with keeps and no other
        loop."""
        fds = self._poll_fds()
        t = lib.pmp_client_timeout_ms(self._handle())
        wait = None if t < 0 else t / 1000.0
        if timeout is not None and (wait is None or timeout < wait):
            wait = timeout
        poller = select.poll()
        for fd, ev in fds:
            poller.register(fd, (select.POLLIN if ev & _lib.FD_READ else 0)
                            | (select.POLLOUT if ev & _lib.FD_WRITE else 0))
        ready = poller.poll(None if wait is None else int(wait * 1000))
        arr = (_lib.Fd * max(len(ready), 1))()
        for i, (fd, ev) in enumerate(ready):
            arr[i].fd = fd
            arr[i].events = ((_lib.FD_READ if ev & select.POLLIN else 0) |
                             (_lib.FD_WRITE if ev & select.POLLOUT else 0) |
                             (_lib.FD_ERROR if ev & (select.POLLERR |
                                                     select.POLLHUP) else 0))
        rc = lib.pmp_client_process_fds(self._handle(), arr, len(ready))
        if rc != 0:
            raise _error(rc, None, lib.pmp_client_errno(self._handle()))


class Keep:
    """A kept mapping (Client.keep).  Iterate for its Events (blocking,
    driving the client); leave the ``with`` block or call stop() to
    delete it (waits for the gateway's answer, at most ~3 s)."""

    def __init__(self, client: Client, keep_id: int, q: Deque[Event]):
        self.client = client
        self.id = keep_id
        self._q = q
        self._stopped = False

    def __enter__(self) -> "Keep":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __iter__(self) -> Iterator[Event]:
        return self

    def __next__(self) -> Event:
        ev = self.next_event(None)
        if ev is None:
            raise StopIteration
        return ev

    def next_event(self, timeout: Optional[float]) -> Optional[Event]:
        """The next event, waiting up to timeout seconds (None: for
        ever); None on timeout, or once the mapping is deleted."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self.client._lock:
                if self._q:
                    return self._q.popleft()
            if self.client._c is None or (self._stopped and
                                          self._deleted):
                return None
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return None
            self.client.process(left)

    _deleted = False

    def stop(self) -> Optional[Event]:
        """Delete the mapping; returns the "deleted" event (its status
        says whether the gateway confirmed)."""
        if self._stopped or self.client._c is None:
            return None
        self._stopped = True
        if lib.pmp_keep_stop(self.client._c, self.id) != 0:
            self._deleted = True
            return None
        deadline = time.monotonic() + 10
        try:
            while time.monotonic() < deadline:
                with self.client._lock:
                    while self._q:
                        ev = self._q.popleft()
                        if ev.type == "deleted" and ev.keep_id == self.id:
                            self._deleted = True
                            return ev
                self.client.process(deadline - time.monotonic())
            return None
        finally:
            self._deleted = True
            self.client._unregister(self.id)


def __getattr__(name: str):
    # asyncio is imported only by those who use it (it costs ~20 ms)
    if name == "AsyncClient":
        from .aio import AsyncClient
        return AsyncClient
    raise AttributeError("module 'pmp' has no attribute %r" % name)
