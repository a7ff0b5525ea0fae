"""NAT-PMP client library: py-natpmp's API (0.2.5 and the NAT-PMP fork's
spellings) on libpmp.

The names, signatures, constants, messages, request bytes and exceptions
are py-natpmp's, so a program written for it runs unchanged.  Underneath,
the high-level calls (get_public_address, map_port, map_tcp_port,
map_udp_port, NatPMP.forward_port, get_gateway_addr) go through libpmp:
one request at a time per gateway whatever the number of threads (RFC 6886
§3.1), RFC 6886's retransmission schedule, answers checked (source, length,
version, opcode, port), ICMP "port unreachable" ending a request at once,
and the gateway found from the kernel's routing table (rtnetlink) rather
than by running netstat.  The low-level calls (get_gateway_socket,
send_request, read_response, send_request_with_retry) keep their socket
semantics: the caller holds the socket.

Where py-natpmp is broken this module does the right thing; each
difference is listed in docs/python.md.
"""
import select
import socket
import struct
import threading

import pmp as _pmp
from pmp import _lib

__version__ = "0.2.5"
__pmp_version__ = _pmp.__version__

NATPMP_PORT = 5351

NATPMP_RESERVED_VAL = 0

NATPMP_PROTOCOL_UDP = 1
NATPMP_PROTOCOL_TCP = 2

NATPMP_GATEWAY_NO_VALID_GATEWAY = -10
NATPMP_GATEWAY_NO_SUPPORT = -11
NATPMP_GATEWAY_CANNOT_FIND = -12

NATPMP_RESULT_SUCCESS = 0
NATPMP_RESULT_UNSUPPORTED_VERSION = 1
NATPMP_RESULT_NOT_AUTHORIZED = 2
NATPMP_RESULT_NETWORK_FAILURE = 3
NATPMP_RESULT_OUT_OF_RESOURCES = 4
NATPMP_RESULT_UNSUPPORTED_OPERATION = 5

# The messages are py-natpmp's own, word for word: programs show them.
NATPMP_ERROR_DICT = {
    NATPMP_RESULT_SUCCESS: "No error.",
    NATPMP_RESULT_UNSUPPORTED_VERSION:
        "The protocol version specified is unsupported.",
    NATPMP_RESULT_NOT_AUTHORIZED:
        "The operation was refused.  NAT-PMP may be turned off on gateway.",
    NATPMP_RESULT_NETWORK_FAILURE:
        "There was a network failure.  The gateway may not have an IP "
        "address.",
    NATPMP_RESULT_OUT_OF_RESOURCES:
        "The NAT-PMP gateway is out of resources and cannot create more "
        "mappings.",
    NATPMP_RESULT_UNSUPPORTED_OPERATION:
        "The NAT-PMP gateway does not support this operation",
    NATPMP_GATEWAY_NO_SUPPORT: "The gateway does not support NAT-PMP",
    NATPMP_GATEWAY_NO_VALID_GATEWAY:
        "No valid gateway address was specified.",
    NATPMP_GATEWAY_CANNOT_FIND:
        "Cannot automatically determine gateway address.  Must specify "
        "manually.",
}


# ------------------------------------------------------------- requests

class NATPMPRequest(object):
    """A request's common header: version and opcode (1 byte each)."""
    retry_increment = 0.250  # seconds: send_request_with_retry's step

    def __init__(self, version, opcode):
        self.version = version
        self.opcode = opcode

    def toBytes(self):
        """The request as sent on the wire."""
        return struct.pack("!BB", self.version, self.opcode)


class PublicAddressRequest(NATPMPRequest):
    """Opcode 0: the gateway's public address (RFC 6886 §3.2)."""

    def __init__(self, version=0):
        NATPMPRequest.__init__(self, version, 0)


class PortMapRequest(NATPMPRequest):
    """Opcode 1 (UDP) or 2 (TCP): map private_port (RFC 6886 §3.3)."""

    def __init__(self, protocol, private_port, public_port, lifetime=3600,
                 version=0):
        NATPMPRequest.__init__(self, version, protocol)
        self.private_port = private_port
        self.public_port = public_port
        self.lifetime = lifetime

    def toBytes(self):
        return NATPMPRequest.toBytes(self) + struct.pack(
            "!HHHI", NATPMP_RESERVED_VAL, self.private_port,
            self.public_port, self.lifetime)


# ------------------------------------------------------------ responses

def _check_length(data, want, what):
    if data is None or len(data) < want:
        raise NATPMPNetworkError(
            NATPMP_GATEWAY_NO_SUPPORT,
            "%s: %d bytes, a valid answer has %d" % (
                what, 0 if data is None else len(data), want))
    return data[:want]


class NATPMPResponse(object):
    """A response's common header: version, opcode (128 + the request's),
    result code, seconds since the gateway's epoch."""

    def __init__(self, version, opcode, result, sec_since_epoch):
        self.version = version
        self.opcode = opcode
        self.result = result
        self.sec_since_epoch = sec_since_epoch

    def __str__(self):
        return "NATPMPResponse(%d, %d, %d, %d)" % (
            self.version, self.opcode, self.result, self.sec_since_epoch)


class PublicAddressResponse(NATPMPResponse):
    """The answer to a PublicAddressRequest: ip (text) and ip_int."""

    def __init__(self, data):
        data = _check_length(data, 12, "public address response")
        version, opcode, result, sec_since_epoch, self.ip_int = \
            struct.unpack("!BBHII", data)
        NATPMPResponse.__init__(self, version, opcode, result,
                                sec_since_epoch)
        self.ip = socket.inet_ntoa(data[8:12])

    def __str__(self):
        return ("PublicAddressResponse: version %d, opcode %d (%d), "
                "result %d, ssec %d, ip %s" % (
                    self.version, self.opcode, self.opcode, self.result,
                    self.sec_since_epoch, self.ip))


class PortMapResponse(NATPMPResponse):
    """The answer to a PortMapRequest: private_port, public_port (not
    necessarily the one asked for) and lifetime."""

    def __init__(self, data):
        data = _check_length(data, 16, "port map response")
        (version, opcode, result, sec_since_epoch, self.private_port,
         self.public_port, self.lifetime) = struct.unpack("!BBHIHHI", data)
        NATPMPResponse.__init__(self, version, opcode, result,
                                sec_since_epoch)

    def __str__(self):
        return ("PortMapResponse: version %d, opcode %d (%d), result %d, "
                "ssec %d, private_port %d, public port %d, lifetime %d" % (
                    self.version, self.opcode, self.opcode, self.result,
                    self.sec_since_epoch, self.private_port,
                    self.public_port, self.lifetime))


# ----------------------------------------------------------- exceptions

class NATPMPError(Exception):
    """Generic exception state.  May be used to represent unknown errors."""


class NATPMPResultError(NATPMPError):
    """The gateway answered with an error result: args are (result,
    message, response)."""


class NATPMPNetworkError(NATPMPError):
    """A network error talking to the gateway: args (code, message)."""


class NATPMPUnsupportedError(NATPMPError):
    """The gateway does not support NAT-PMP: args (code, message)."""


def error_str(result_code):
    """The message for a result code (or NATPMP_GATEWAY_* code)."""
    return NATPMP_ERROR_DICT.get(result_code) or "Unknown fatal error."


# ------------------------------------------------ high level, on libpmp

# One libpmp client per gateway for the process, so that every thread's
# requests to it share one queue (RFC 6886 §3.1: one at a time).
_clients = {}
_clients_lock = threading.Lock()


def _client(gateway_ip, retry):
    key = (gateway_ip, retry)
    with _clients_lock:
        c = _clients.get(key)
        if c is None:
            try:
                # retry sends on RFC 6886's schedule (250 ms, doubling):
                # the last one's wait ends 0.25 * (2**retry - 1) s in
                timeout = None if retry >= 9 else \
                    0.25 * (2 ** max(retry, 1) - 1)
                c = _pmp.Client(gateway_ip, protocol="natpmp",
                                timeout=timeout)
            except _pmp.InvalidArgument:
                raise NATPMPNetworkError(
                    NATPMP_GATEWAY_NO_VALID_GATEWAY,
                    error_str(NATPMP_GATEWAY_NO_VALID_GATEWAY))
            _clients[key] = c
        return c


def _raise_for(e, response_class, opcode, request_args):
    """A libpmp error as py-natpmp raises it."""
    if isinstance(e, _pmp.GatewayError):
        resp = _response(response_class, opcode, e.result_code, 0,
                         request_args)
        raise NATPMPResultError(e.result_code, error_str(e.result_code),
                                resp)
    if isinstance(e, _pmp.NoAddress):
        # 0.0.0.0: the gateway has no address (RFC 6886 §3.2)
        resp = _response(response_class, opcode, 0, 0, request_args)
        raise NATPMPResultError(NATPMP_RESULT_NETWORK_FAILURE,
                                error_str(NATPMP_RESULT_NETWORK_FAILURE),
                                resp)
    if isinstance(e, (_pmp.NoGateway,)):
        raise NATPMPNetworkError(NATPMP_GATEWAY_CANNOT_FIND,
                                 error_str(NATPMP_GATEWAY_CANNOT_FIND))
    if isinstance(e, _pmp.InvalidArgument):
        raise NATPMPNetworkError(NATPMP_GATEWAY_NO_VALID_GATEWAY,
                                 error_str(NATPMP_GATEWAY_NO_VALID_GATEWAY))
    # silence, a timeout, ICMP port unreachable, a system error
    raise NATPMPUnsupportedError(NATPMP_GATEWAY_NO_SUPPORT,
                                 error_str(NATPMP_GATEWAY_NO_SUPPORT))


def _response(response_class, opcode, result, epoch, args):
    if response_class is PublicAddressResponse:
        ip = args if args else "0.0.0.0"
        return PublicAddressResponse(struct.pack("!BBHI", 0, 128 + opcode,
                                                 result, epoch) +
                                     socket.inet_aton(ip))
    private_port, public_port, lifetime = args
    return PortMapResponse(struct.pack("!BBHIHHI", 0, 128 + opcode, result,
                                       epoch, private_port, public_port,
                                       lifetime))


def get_gateway_addr():
    """The default gateway's IPv4 address, from the kernel's routing
    table (rtnetlink on Linux): the route the system would really use."""
    try:
        info = _pmp.discover_gateway()
    except _pmp.Error:
        info = None
    if info is None or info.gateway is None:
        raise NATPMPNetworkError(NATPMP_GATEWAY_CANNOT_FIND,
                                 error_str(NATPMP_GATEWAY_CANNOT_FIND))
    return info.gateway


def get_public_address(gateway_ip=None, retry=9):
    """The gateway's public IPv4 address, as a string."""
    if gateway_ip is None:
        gateway_ip = get_gateway_addr()
    try:
        return _client(gateway_ip, retry).public_address()
    except _pmp.Error as e:
        _raise_for(e, PublicAddressResponse, 0, None)


def map_port(protocol, public_port, private_port, lifetime=3600,
             gateway_ip=None, retry=9, use_exception=True):
    """Map public_port on the gateway to private_port on this host for
    lifetime seconds; returns the PortMapResponse (the public port
    granted may differ).  A refusal raises NATPMPResultError, or with
    use_exception=False is returned as a response with its result."""
    if protocol not in (NATPMP_PROTOCOL_UDP, NATPMP_PROTOCOL_TCP):
        raise ValueError("Must be either NATPMP_PROTOCOL_UDP or "
                         "NATPMP_PROTOCOL_TCP")
    if gateway_ip is None:
        gateway_ip = get_gateway_addr()
    c = _client(gateway_ip, retry)
    udp = protocol == NATPMP_PROTOCOL_UDP
    try:
        if lifetime == 0:
            c.unmap(private_port, udp=udp)
            return _response(PortMapResponse, protocol, 0, 0,
                             (private_port, 0, 0))
        m = c.map(private_port, udp=udp, public_port=public_port,
                  lifetime=lifetime)
    except _pmp.GatewayError as e:
        if use_exception:
            _raise_for(e, PortMapResponse, protocol,
                       (private_port, public_port, 0))
        return _response(PortMapResponse, protocol, e.result_code, 0,
                         (private_port, 0, 0))
    except _pmp.Error as e:
        _raise_for(e, PortMapResponse, protocol,
                   (private_port, public_port, 0))
    return _response(PortMapResponse, protocol, 0, m.epoch,
                     (m.private_port, m.public_port, m.lifetime))


def map_tcp_port(public_port, private_port, lifetime=3600, gateway_ip=None,
                 retry=9, use_exception=True):
    """map_port for TCP."""
    return map_port(NATPMP_PROTOCOL_TCP, public_port, private_port,
                    lifetime, gateway_ip=gateway_ip, retry=retry,
                    use_exception=use_exception)


def map_udp_port(public_port, private_port, lifetime=3600, gateway_ip=None,
                 retry=9, use_exception=True):
    """map_port for UDP."""
    return map_port(NATPMP_PROTOCOL_UDP, public_port, private_port,
                    lifetime, gateway_ip=gateway_ip, retry=retry,
                    use_exception=use_exception)


# ------------------------------------------- low level: caller's socket

def get_gateway_socket(gateway):
    """A non-blocking UDP socket connected to gateway:5351."""
    if not gateway:
        raise NATPMPNetworkError(NATPMP_GATEWAY_NO_VALID_GATEWAY,
                                 error_str(NATPMP_GATEWAY_NO_VALID_GATEWAY))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    try:
        s.connect((gateway, NATPMP_PORT))
    except (OSError, socket.gaierror):
        s.close()
        raise NATPMPNetworkError(NATPMP_GATEWAY_NO_VALID_GATEWAY,
                                 error_str(NATPMP_GATEWAY_NO_VALID_GATEWAY))
    return s


def send_request(gateway_socket, request):
    """Send request's bytes on the socket."""
    gateway_socket.sendall(request.toBytes())


def read_response(gateway_socket, timeout, response_size=16,
                  responseSize=None):
    """Wait up to timeout seconds for one datagram: (data, (addr, port)),
    ("", ("", "")) if none came, (None, None) if reading failed (e.g.
    ICMP port unreachable)."""
    if responseSize is not None:      # the NAT-PMP fork's spelling
        response_size = responseSize
    rlist, _, _ = select.select([gateway_socket], [], [], timeout)
    if not rlist:
        return "", ("", "")
    try:
        return gateway_socket.recvfrom(response_size)
    except OSError:
        return None, None


def _valid(data, request):
    """RFC 6886 §3.2/§3.3 on an answer: version 0, opcode 128 + the
    request's, as long as its opcode says (an error may be the 8-byte
    header alone, §3.5: padded), for the same private port.  The answer
    (at its full length), or None."""
    want = 12 if request.opcode == 0 else 16
    if not data or len(data) < 8 or data[0] != 0 or \
            data[1] != 128 + request.opcode:
        return None
    if len(data) < want:
        if data[2:4] == b"\0\0":
            return None         # a success is never short
        return data[:8] + bytes(want - 8)
    if request.opcode != 0 and struct.unpack("!H", data[8:10])[0] != \
            getattr(request, "private_port", 0):
        return None
    return data[:want]


def send_request_with_retry(gateway_ip, request, response_data_class=None,
                            retry=9, response_size=16, responseSize=None,
                            retry_increment=None):
    """Send request to gateway_ip, waiting 1, 2, 3... times
    request.retry_increment (or retry_increment) for an answer, at most
    retry times; returns it (as response_data_class if given).  What is
    not a valid answer from gateway_ip:5351 is ignored.  Raises
    NATPMPUnsupportedError if nothing valid came back."""
    if responseSize is not None:
        response_size = responseSize
    step = request.retry_increment if retry_increment is None else \
        retry_increment
    s = get_gateway_socket(gateway_ip)
    try:
        for n in range(1, max(retry, 1) + 1):
            send_request(s, request)
            data, source = read_response(s, n * step, response_size)
            if not data or source != (gateway_ip, NATPMP_PORT):
                continue
            answer = _valid(data, request)
            if answer is None:
                continue
            return data if response_data_class is None else \
                response_data_class(answer)
    finally:
        s.close()
    raise NATPMPUnsupportedError(NATPMP_GATEWAY_NO_SUPPORT,
                                 error_str(NATPMP_GATEWAY_NO_SUPPORT))


class NatPMP:
    """py-natpmp 0.2.5's object interface."""

    def __init__(self, interface="default"):
        self.interface = interface

    def forward_port(self, proto, src_port, dest_ip, dest_port=None):
        """Map public src_port (proto "TCP" or "UDP") to dest_port (by
        default src_port) on this host.  NAT-PMP maps only to the host
        that asks: a dest_ip that is not this host's address toward the
        gateway raises NATPMPError."""
        proto = proto.upper()
        if proto not in ("TCP", "UDP"):
            raise NATPMPError("Invalid protocol for forwarding.")
        if not isinstance(src_port, int) or not 1 <= src_port <= 65535:
            raise NATPMPError("Invalid port for forwarding.")
        if dest_port is None:
            dest_port = src_port
        gateway = get_gateway_addr()
        if dest_ip is not None and dest_ip != _source_toward(gateway):
            raise NATPMPError(
                "NAT-PMP maps ports only to the host that asks (%s), not %s"
                % (_source_toward(gateway), dest_ip))
        return map_port(NATPMP_PROTOCOL_TCP if proto == "TCP" else
                        NATPMP_PROTOCOL_UDP, src_port, dest_port,
                        gateway_ip=gateway)


def _source_toward(gateway):
    """This host's address toward gateway (a connected UDP socket's own
    address: the kernel's route; nothing is sent)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect((gateway, NATPMP_PORT))
        return s.getsockname()[0]
    finally:
        s.close()
