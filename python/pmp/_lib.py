"""ctypes declarations of libpmp's public API (include/pmp.h).

Private to the ``pmp`` and ``natpmp`` packages.  The library loaded is the
copy shipped inside this package (``libpmp.so.0`` beside this file), built
from the same tree, so header and library cannot disagree; a system
``libpmp`` is used only when there is no copy, and only if its version is
the one these declarations describe.  The structure layouts below are
checked against the C compiler's by the test suite
(test/python/test_layout.py).

ctypes releases the GIL during every call, so a blocking call in one
thread never stops the others, and callbacks (run by the library with
its client lock held) take the GIL like any Python code.
"""
import ctypes
import os
import sys

# The version these declarations describe (PMP_VERSION_MAJOR, _MINOR).
ABI_MAJOR = 0
ABI_MINOR = 2

c_uint8_16 = ctypes.c_uint8 * 16


class Result(ctypes.Structure):
    """pmp_result_t"""
    _fields_ = [
        ("status", ctypes.c_int),
        ("request_id", ctypes.c_uint),
        ("op", ctypes.c_int),
        ("protocol", ctypes.c_int),
        ("method", ctypes.c_int),
        ("result_code", ctypes.c_uint),
        ("gateway", c_uint8_16),
        ("public_address", c_uint8_16),
        ("epoch", ctypes.c_uint32),
        ("private_port", ctypes.c_uint16),
        ("public_port", ctypes.c_uint16),
        ("lifetime", ctypes.c_uint32),
        ("attempts", ctypes.c_uint),
        ("elapsed_ms", ctypes.c_uint64),
        ("nonce", ctypes.c_uint8 * 12),
        ("private_address", c_uint8_16),
        ("reserved", ctypes.c_uint32 * 9),
    ]


class Filter(ctypes.Structure):
    """pmp_filter_t"""
    _fields_ = [
        ("address", c_uint8_16),
        ("prefix_len", ctypes.c_uint8),
        ("port", ctypes.c_uint16),
    ]


MAX_FILTERS = 16


class MapParams(ctypes.Structure):
    """pmp_map_params_t"""
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("protocol", ctypes.c_int),
        ("private_port", ctypes.c_uint16),
        ("public_port", ctypes.c_uint16),
        ("lifetime", ctypes.c_uint32),
        ("flags", ctypes.c_uint),
        ("public_address", c_uint8_16),
        ("nonce", ctypes.c_uint8 * 12),
        ("third_party", c_uint8_16),
        ("peer_address", c_uint8_16),
        ("peer_port", ctypes.c_uint16),
        ("nfilters", ctypes.c_uint),
        ("filters", Filter * MAX_FILTERS),
    ]


class Fd(ctypes.Structure):
    """pmp_fd_t"""
    _fields_ = [("fd", ctypes.c_int), ("events", ctypes.c_uint)]


class Event(ctypes.Structure):
    """pmp_event_t"""
    _fields_ = [
        ("type", ctypes.c_int),
        ("keep_id", ctypes.c_uint),
        ("status", ctypes.c_int),
        ("method", ctypes.c_int),
        ("result_code", ctypes.c_uint),
        ("protocol", ctypes.c_int),
        ("private_port", ctypes.c_uint16),
        ("public_port", ctypes.c_uint16),
        ("previous_public_port", ctypes.c_uint16),
        ("lifetime", ctypes.c_uint32),
        ("retry_ms", ctypes.c_uint32),
        ("epoch", ctypes.c_uint32),
        ("public_address", c_uint8_16),
        ("previous_address", c_uint8_16),
        ("reserved", ctypes.c_uint32 * 16),
    ]


class GatewayInfo(ctypes.Structure):
    """pmp_gateway_info_t"""
    _fields_ = [
        ("gateway", c_uint8_16),
        ("source", c_uint8_16),
        ("ifname", ctypes.c_char * 32),
        ("method", ctypes.c_int),
        ("reserved", ctypes.c_uint32 * 8),
    ]


class IgdInfo(ctypes.Structure):
    """pmp_igd_info_t"""
    _fields_ = [
        ("friendly_name", ctypes.c_char * 64),
        ("manufacturer", ctypes.c_char * 64),
        ("model_name", ctypes.c_char * 64),
        ("service_type", ctypes.c_char * 80),
        ("location", ctypes.c_char * 128),
        ("status", ctypes.c_char * 24),
        ("reason", ctypes.c_char * 96),
        ("reserved", ctypes.c_uint32 * 8),
    ]


STRUCTS = {"pmp_result_t": Result, "pmp_filter_t": Filter,
           "pmp_map_params_t": MapParams, "pmp_fd_t": Fd,
           "pmp_event_t": Event, "pmp_gateway_info_t": GatewayInfo,
           "pmp_igd_info_t": IgdInfo}

# Status codes (pmp_status_t).
OK, EAGAIN, EINVAL, ENOMEM, ESYS, ETIMEDOUT, ENOSUPPORT, EREFUSED, \
    EGATEWAY, ENOADDR, ENOTGRANTED, ENOROUTE, ENOGWADDR, ECANCELED, \
    EUNSUPPORTED, ENODELETE, EBADANSWER = range(0, -17, -1)

METHOD_NONE, METHOD_NATPMP, METHOD_PCP, METHOD_UPNP = range(4)
PROTO_TCP, PROTO_UDP = 6, 17
MAP_NONCE, MAP_PREFER_FAILURE, MAP_THIRD_PARTY, MAP_PEER = 1, 2, 4, 8
FD_READ, FD_WRITE, FD_ERROR = 1, 2, 4

CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(Result))
EVENT_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p,
                                  ctypes.POINTER(Event))


def _candidates():
    here = os.path.dirname(os.path.abspath(__file__))
    names = ("libpmp.dll",) if sys.platform == "win32" else \
        ("libpmp.so.0", "libpmp.0.dylib")
    for name in names:
        path = os.path.join(here, name)
        if os.path.exists(path):
            yield path
    import ctypes.util      # (only without a copy: it costs start-up)
    found = ctypes.util.find_library("pmp")
    if found:
        yield found


def _load():
    errors = []
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            errors.append("%s: %s" % (path, e))
            continue
        lib.pmp_version.restype = ctypes.c_uint
        v = lib.pmp_version()
        # PMP_VERSION packs major << 16 | minor << 8 | patch
        if (v >> 16, (v >> 8) & 0xff) != (ABI_MAJOR, ABI_MINOR):
            errors.append("%s: version %d.%d, not %d.%d" % (
                path, v >> 16, (v >> 8) & 0xff, ABI_MAJOR, ABI_MINOR))
            continue
        return lib, path
    raise ImportError("libpmp %d.%d not found (%s)" % (
        ABI_MAJOR, ABI_MINOR, "; ".join(errors) or "no copy in the package "
        "and none installed"))


lib, path = _load()

_P = ctypes.c_void_p
_U8P = ctypes.POINTER(ctypes.c_uint8)


def _decl(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)


_decl("pmp_strerror", ctypes.c_char_p, ctypes.c_int)
_decl("pmp_method_name", ctypes.c_char_p, ctypes.c_int)
_decl("pmp_result_code_text", ctypes.c_char_p, ctypes.c_int, ctypes.c_uint)
_decl("pmp_version_str", ctypes.c_char_p)
_decl("pmp_client_new", ctypes.c_int, ctypes.POINTER(_P))
_decl("pmp_client_free", None, _P)
_decl("pmp_client_set_gateway", ctypes.c_int, _P, _U8P, ctypes.c_uint16)
_decl("pmp_parse_gateway", ctypes.c_int, ctypes.c_char_p, _U8P,
      ctypes.POINTER(ctypes.c_uint16))
_decl("pmp_client_gateway", ctypes.c_int, _P, _U8P,
      ctypes.POINTER(ctypes.c_uint16))
_decl("pmp_client_set_timeout_ms", ctypes.c_int, _P, ctypes.c_uint32)
_decl("pmp_client_errno", ctypes.c_int, _P)
_decl("pmp_client_set_methods", ctypes.c_int, _P, ctypes.c_uint)
_decl("pmp_client_method", ctypes.c_int, _P)
_decl("pmp_client_public_address", ctypes.c_int, _P, _U8P)
_decl("pmp_client_igd_info", ctypes.c_int, _P, ctypes.POINTER(IgdInfo))
_decl("pmp_request_public_address", ctypes.c_int, _P, CALLBACK, _P)
_decl("pmp_request_unmap", ctypes.c_int, _P, ctypes.c_int, ctypes.c_uint16,
      CALLBACK, _P)
_decl("pmp_request_unmap_all", ctypes.c_int, _P, ctypes.c_int, CALLBACK,
      _P)
_decl("pmp_map_params_init_size", None, ctypes.POINTER(MapParams),
      ctypes.c_size_t)
_decl("pmp_request_map_params", ctypes.c_int, _P,
      ctypes.POINTER(MapParams), CALLBACK, _P)
_decl("pmp_cancel", ctypes.c_int, _P, ctypes.c_uint)
_decl("pmp_client_poll_fds", ctypes.c_int, _P, ctypes.POINTER(Fd),
      ctypes.c_int, ctypes.POINTER(ctypes.c_uint))
_decl("pmp_client_timeout_ms", ctypes.c_int, _P)
_decl("pmp_client_process_fds", ctypes.c_int, _P, ctypes.POINTER(Fd),
      ctypes.c_int)
_decl("pmp_client_pending", ctypes.c_uint, _P)
_decl("pmp_client_set_event_callback", None, _P, EVENT_CALLBACK, _P)
_decl("pmp_keep", ctypes.c_int, _P, ctypes.c_int, ctypes.c_uint16,
      ctypes.c_uint16, ctypes.c_uint32)
_decl("pmp_keep_stop", ctypes.c_int, _P, ctypes.c_uint)
_decl("pmp_keep_count", ctypes.c_uint, _P)
_decl("pmp_client_listen", ctypes.c_int, _P)
_decl("pmp_get_public_address", ctypes.c_int, _P, ctypes.POINTER(Result))
_decl("pmp_map", ctypes.c_int, _P, ctypes.c_int, ctypes.c_uint16,
      ctypes.c_uint16, ctypes.c_uint32, ctypes.POINTER(Result))
_decl("pmp_unmap", ctypes.c_int, _P, ctypes.c_int, ctypes.c_uint16,
      ctypes.POINTER(Result))
_decl("pmp_unmap_all", ctypes.c_int, _P, ctypes.c_int,
      ctypes.POINTER(Result))
_decl("pmp_map_with", ctypes.c_int, _P, ctypes.POINTER(MapParams),
      ctypes.POINTER(Result))
_decl("pmp_discover_gateway", ctypes.c_int, ctypes.POINTER(GatewayInfo))
_decl("pmp_discover_gateway6", ctypes.c_int, ctypes.POINTER(GatewayInfo))


def strerror(status):
    return lib.pmp_strerror(status).decode()


def method_name(method):
    return lib.pmp_method_name(method).decode()


def result_code_text(method, code):
    return lib.pmp_result_code_text(method, code).decode()
