/*
 * pmp.h - port mapping: PCP (RFC 6887), NAT-PMP (RFC 6886) and UPnP-IGD.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Overview
 *   A pmp_client_t talks to one gateway, in one of the methods (protocols)
 *   it may speak: see pmp_client_set_methods().  Requests are queued and
 *   sent as the method asks (NAT-PMP: one at a time, RFC 6886 §3.1; PCP:
 *   several), each retransmitted on its schedule (NAT-PMP: 250 ms,
 *   doubling, 9 sends; PCP: 3 s, doubling to 1024 s, no limit) unless the
 *   caller sets a deadline.  Every result and event names its method.
 *
 *   pmp_keep() keeps a mapping alive: renewed, re-created after gateway
 *   restarts and address changes, retried after failures, with events.
 *
 *   Two ways to use it:
 *   - blocking: pmp_get_public_address(), pmp_map(), pmp_unmap(),
 *     pmp_unmap_all() return when the gateway answered or the request failed;
 *   - non-blocking, for event loops: pmp_request_*() queue a request and
 *     return at once; wait for the descriptors pmp_client_poll_fds() lists
 *     (each with the events it wants) and the timeout from
 *     pmp_client_timeout_ms(), then pass what is ready to
 *     pmp_client_process_fds().  Completion callbacks run from there.  The
 *     blocking calls are built on exactly these public calls.
 *
 * Addresses are 16 bytes, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d), the
 * form PCP (RFC 6887) uses on the wire.
 *
 * Thread safety
 *   Every function taking a pmp_client_t may be called from any thread,
 *   concurrently, on the same client: the client has an internal lock.
 *   Requests from all threads share the one queue, so fifty threads asking
 *   for fifty NAT-PMP mappings still send one request at a time.
 *   Callbacks (and events) run in the thread that called
 *   pmp_client_process_fds(), a blocking call or pmp_keep_stop(), with the
 *   client's lock held (fd callbacks: in the call that changed the set):
 *   a callback may call pmp_request_*(), pmp_keep(), pmp_keep_stop() and
 *   pmp_cancel(), but no blocking function nor pmp_client_free(), which
 *   may be called only once no other thread uses the client.  No global
 *   state, no thread started; pmp_strerror() and pmp_discover_gateway()
 *   are safe anywhere.
 *
 * Errors
 *   Functions return 0 (PMP_OK) or a negative PMP_E* code (those returning
 *   an id or a count return it instead, >= 0).  pmp_strerror() turns any
 *   code into text.  A gateway's own refusal is PMP_EGATEWAY, with the
 *   method's result code beside it; pmp_result_code_text() names it.  The
 *   library never prints and never aborts.
 *
 * Growing without breaking
 *   The structures the library fills end in reserved space: later
 *   versions carve new fields out of it, so a program built against this
 *   header keeps working with a newer library (zeros: never read or write
 *   it).  Enums and status codes are only appended to.
 */
#ifndef PMP_H
#define PMP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Windows: the DLL by default; PMP_STATIC for libpmp.a (PMP_BUILDING: ours) */
#if defined(_WIN32) && !defined(PMP_STATIC) && defined(PMP_BUILDING)
#define PMP_EXPORT __declspec(dllexport)
#elif defined(_WIN32) && !defined(PMP_STATIC)
#define PMP_EXPORT __declspec(dllimport)
#elif defined(__GNUC__) && !defined(PMP_STATIC)
#define PMP_EXPORT __attribute__((visibility("default")))
#else
#define PMP_EXPORT
#endif
#if defined(__GNUC__)
#define PMP_NODISCARD __attribute__((warn_unused_result))
#else
#define PMP_NODISCARD
#endif

#define PMP_VERSION_MAJOR 0
#define PMP_VERSION_MINOR 2
#define PMP_VERSION_PATCH 0
#define PMP_VERSION \
	((PMP_VERSION_MAJOR << 16) | (PMP_VERSION_MINOR << 8) | PMP_VERSION_PATCH)

/* The NAT-PMP and PCP server port on the gateway (RFC 6886 §3,
 * RFC 6887 §19.1). */
#define PMP_SERVER_PORT 5351
/* RFC 6886 §3.3: the recommended mapping lifetime. */
#define PMP_DEFAULT_LIFETIME 7200u

/* Status codes: values frozen, new ones appended; 0.1.0 unless marked. */
typedef enum pmp_status {
	PMP_OK = 0,
	PMP_EAGAIN = -1,	/* nothing finished yet (not a failure) */
	PMP_EINVAL = -2,	/* bad argument: port 0 where one is needed, ... */
	PMP_ENOMEM = -3,	/* out of memory */
	PMP_ESYS = -4,		/* a system call failed: see pmp_client_errno() */
	PMP_ETIMEDOUT = -5,	/* the caller's deadline passed first */
	PMP_ENOSUPPORT = -6,	/* no answer to the method's whole schedule
				 * (NAT-PMP: 9 sends, §3.1): not spoken */
	PMP_EREFUSED = -7,	/* ICMP port unreachable: nothing listens */
	PMP_EGATEWAY = -8,	/* the gateway answered with a non-zero result
				 * code; it is in pmp_result_t.result_code,
				 * to be read with pmp_result_t.method */
	PMP_ENOADDR = -9,	/* the gateway reported public address 0.0.0.0 */
	PMP_ENOTGRANTED = -10,	/* success without a mapping: lifetime or
				 * public port 0 in the answer to a create */
	PMP_ENOROUTE = -11,	/* gateway discovery: no route to the outside */
	PMP_ENOGWADDR = -12,	/* gateway discovery: the route has no gateway
				 * (point-to-point link such as WireGuard) */
	PMP_ECANCELED = -13,	/* dropped unfinished by pmp_client_free() */
	PMP_EUNSUPPORTED = -14,	/* not available on this operating system */
	PMP_ENODELETE = -15,	/* (0.1.1) PMP_EV_DELETED: left to expire (a
				 * private port 0's delete deletes all) */
	PMP_EBADANSWER = -16	/* (0.2.0) UPnP-IGD: an answer that is not
				 * HTTP/SOAP, or over its size limit */
} pmp_status_t;

/* Text for a PMP_E* code; never NULL. */
PMP_EXPORT const char *pmp_strerror(int status);

/* The methods (port mapping protocols); values frozen, only appended. */
typedef enum pmp_method {
	PMP_METHOD_NONE = 0,	/* nothing was sent (argument or local error) */
	PMP_METHOD_NATPMP = 1,	/* NAT-PMP, RFC 6886 */
	PMP_METHOD_PCP = 2,	/* PCP, RFC 6887 */
	PMP_METHOD_UPNP = 3	/* UPnP-IGD (WANIPConnection, WANPPPConnection) */
} pmp_method_t;

/* A set of methods, for pmp_client_set_methods(). */
#define PMP_METHOD_BIT(m) (1u << (m))
#define PMP_METHODS_AUTO 0u	/* every method this library speaks */

/* The method's name ("NAT-PMP", "PCP", "UPnP-IGD"; "none"); never NULL. */
PMP_EXPORT const char *pmp_method_name(pmp_method_t method);

/* Text for a result code of the method, e.g. (PMP_METHOD_PCP, 2) -> "not
 * authorized"; "unknown result code" for others.  Never NULL. */
PMP_EXPORT const char *pmp_result_code_text(pmp_method_t method,
    unsigned result_code);

/* (0.1.0) pmp_result_code_text(PMP_METHOD_NATPMP, result_code). */
PMP_EXPORT const char *pmp_result_code_str(unsigned result_code);

/* RFC 6886 §3.5 result codes (PMP_METHOD_NATPMP). */
enum {
	PMP_RC_SUCCESS = 0, PMP_RC_UNSUPPORTED_VERSION = 1,
	PMP_RC_NOT_AUTHORIZED = 2, PMP_RC_NETWORK_FAILURE = 3,
	PMP_RC_OUT_OF_RESOURCES = 4, PMP_RC_UNSUPPORTED_OPCODE = 5
};

/* Transport protocols, by their IANA numbers (as PCP uses them). */
enum { PMP_PROTO_TCP = 6, PMP_PROTO_UDP = 17 };

/* What a request asked for. */
typedef enum pmp_op {
	PMP_OP_PUBLIC_ADDRESS = 0,
	PMP_OP_MAP = 1,		/* create or renew one mapping */
	PMP_OP_UNMAP = 2,	/* delete one mapping */
	PMP_OP_UNMAP_ALL = 3,	/* delete all mappings of one protocol */
	PMP_OP_PEER = 4		/* (0.2.0) PCP PEER: an outbound flow's
				 * mapping, RFC 6887 §12 */
} pmp_op_t;

/* The outcome of one request.  Fields the gateway did not send are 0. */
typedef struct pmp_result {
	int status;		/* PMP_OK or a PMP_E* code */
	unsigned request_id;	/* as returned by pmp_request_*() */
	pmp_op_t op;
	int protocol;		/* PMP_PROTO_UDP/TCP; 0 for the address */
	pmp_method_t method;	/* the method that served it; NONE if
				 * nothing was sent */
	unsigned result_code;	/* the method's raw result code: see
				 * pmp_result_code_text() */
	uint8_t gateway[16];	/* the gateway asked, IPv4-mapped */
	uint8_t public_address[16]; /* IPv4-mapped.  For a mapping: the
				 * address the gateway last reported to this
				 * client (NAT-PMP mapping answers carry
				 * none); zero if it never did */
	uint32_t epoch;		/* gateway's seconds since start of epoch */
	uint16_t private_port;	/* internal port (0 for unmap-all) */
	uint16_t public_port;	/* the port the gateway really assigned */
	uint32_t lifetime;	/* the lifetime the gateway really granted */
	unsigned attempts;	/* datagrams sent for this request */
	uint64_t elapsed_ms;	/* from submission to completion */
	uint8_t nonce[12];	/* (0.2.0) PCP: the mapping's nonce (§11.1),
				 * for PMP_MAP_NONCE elsewhere; 0: NAT-PMP */
	uint8_t private_address[16]; /* (0.2.0) the host mapped to; equal
				 * to public_address: an IPv6 pinhole */
	uint32_t reserved[9];	/* room to grow; zero (see the top) */
} pmp_result_t;

typedef struct pmp_client pmp_client_t;

/*
 * Create a client.  No gateway is chosen yet: set one with
 * pmp_client_set_gateway(), or the first request discovers the default one
 * with pmp_discover_gateway().  No socket is opened until the first request.
 * Returns PMP_OK, PMP_EINVAL (out is NULL), PMP_ENOMEM or PMP_ESYS
 * (Windows: WSAStartup() failed; each client holds Winsock started).
 */
PMP_EXPORT PMP_NODISCARD int pmp_client_new(pmp_client_t **out);

/*
 * Free a client.  Nothing more is sent.  Every request not yet reported
 * gets its callback now, in the calling thread: a finished one with its
 * result, the others with PMP_ECANCELED; those callbacks must not use the
 * client.  Kept mappings are dropped without a delete (call
 * pmp_keep_stop() first for that).  NULL is allowed.
 */
PMP_EXPORT void pmp_client_free(pmp_client_t *c);

/*
 * Use this gateway (IPv4-mapped, or IPv6: PCP only) and port (0: 5351).
 * Only before the first request.  PMP_OK, or PMP_EINVAL for 0.0.0.0, ::,
 * multicast, a link-local address without its interface, or too late.
 */
PMP_EXPORT int pmp_client_set_gateway(pmp_client_t *c, const uint8_t addr[16],
    uint16_t port);

/*
 * Parse "a.b.c.d[:port]", an IPv6 literal ("fe80::1%eth0" for a
 * link-local one) or "[IPv6]:port" into an address and port (5351 when
 * none is given).  Returns PMP_OK or PMP_EINVAL.
 */
PMP_EXPORT int pmp_parse_gateway(const char *text, uint8_t addr[16],
    uint16_t *port);

/* The gateway in use (after the first request or set_gateway); PMP_OK or
 * PMP_EAGAIN when none is chosen yet. */
PMP_EXPORT int pmp_client_gateway(pmp_client_t *c, uint8_t addr[16],
    uint16_t *port);

/*
 * Give up on every later request that has not finished this many
 * milliseconds after it was submitted (PMP_ETIMEDOUT).  0 (the default):
 * PMP_ENOSUPPORT after 127.75 s, NAT-PMP's 9 sends or PCP's 6.
 */
PMP_EXPORT int pmp_client_set_timeout_ms(pmp_client_t *c, uint32_t ms);

/*
 * Called each time a request datagram is sent: attempt is 1 for the first
 * send and up to 9 for retransmissions.  For progress displays.  The
 * callback runs with the client's lock held (see Thread safety).
 */
typedef void (*pmp_attempt_cb)(void *arg, unsigned request_id,
    unsigned attempt, unsigned max_attempts);
PMP_EXPORT void pmp_client_set_attempt_callback(pmp_client_t *c,
    pmp_attempt_cb cb, void *arg);

/* errno of the last PMP_ESYS on this client (0 if none). */
PMP_EXPORT int pmp_client_errno(pmp_client_t *c);

/*
 * Which methods this client may use: PMP_METHODS_AUTO (the default: PCP
 * first, NAT-PMP as soon as the gateway answers PCP with NAT-PMP's
 * "unsupported version" or, silent to PCP, answers the NAT-PMP request
 * sent beside PCP's first retransmission, 3 s; with a UPnP-IGD probe at
 * the same time, which wins only if PCP and NAT-PMP are not answered) or
 * PMP_METHOD_BIT()s or-ed together: one forces it.  Only before the
 * first request.  PMP_OK; PMP_EINVAL for an unknown bit or too late.
 */
PMP_EXPORT int pmp_client_set_methods(pmp_client_t *c, unsigned methods);

/* The method this client uses with its gateway (before the first request,
 * the one it will try first; NONE if the set holds none it speaks). */
PMP_EXPORT pmp_method_t pmp_client_method(pmp_client_t *c);

/* The public address the gateway last reported to this client (an
 * answer or an announcement): PMP_OK, or PMP_EAGAIN if it never did. */
PMP_EXPORT int pmp_client_public_address(pmp_client_t *c, uint8_t addr[16]);

/* (0.2.0) The UPnP-IGD a client of that method found (what pmp probe
 * prints): its description's names, the connection service it uses, the
 * status GetStatusInfo gave, why it was picked among those that answered.
 * "" where unknown.  PMP_OK, or PMP_EAGAIN before an IGD answered. */
typedef struct pmp_igd_info {
	char friendly_name[64], manufacturer[64], model_name[64];
	char service_type[80];	/* urn:...:service:WANIPConnection:2 */
	char location[128];	/* its description's URL */
	char status[24], reason[96];	/* "Connected"; why picked */
	uint32_t reserved[8];	/* room to grow; zero (see the top) */
} pmp_igd_info_t;
PMP_EXPORT int pmp_client_igd_info(pmp_client_t *c, pmp_igd_info_t *info);

/*
 * ---- Non-blocking API ----
 * A completion callback is called exactly once per accepted request, from
 * pmp_client_process() (or a blocking call made on the same client), unless
 * the request is canceled or the client freed.  res is valid only during
 * the call.
 */
typedef void (*pmp_callback)(void *arg, const pmp_result_t *res);

/*
 * Queue a request.  Each returns a request id (> 0) or a negative PMP_E*:
 * PMP_EINVAL for a bad argument, PMP_ENOMEM, PMP_ESYS if the socket could
 * not be opened, PMP_ENOROUTE/PMP_ENOGWADDR if no gateway was set and none
 * could be discovered.  cb may be NULL.
 *
 * pmp_request_map: protocol PMP_PROTO_UDP or PMP_PROTO_TCP; private_port
 *   1-65535; public_port is the suggestion, 0 meaning "the same as the
 *   private port" (some routers refuse a suggestion of 0); lifetime in
 *   seconds, 1 or more (PMP_DEFAULT_LIFETIME is the RFC's advice).
 * pmp_request_unmap: delete the mapping of private_port (lifetime 0 and
 *   suggested port 0, RFC 6886 §3.4).
 * pmp_request_unmap_all: delete all of this host's mappings of protocol.
 */
PMP_EXPORT PMP_NODISCARD int pmp_request_public_address(pmp_client_t *c,
    pmp_callback cb, void *arg);
PMP_EXPORT PMP_NODISCARD int pmp_request_map(pmp_client_t *c, int protocol,
    uint16_t private_port, uint16_t public_port, uint32_t lifetime,
    pmp_callback cb, void *arg);
PMP_EXPORT PMP_NODISCARD int pmp_request_unmap(pmp_client_t *c, int protocol,
    uint16_t private_port, pmp_callback cb, void *arg);
PMP_EXPORT PMP_NODISCARD int pmp_request_unmap_all(pmp_client_t *c,
    int protocol, pmp_callback cb, void *arg);

/*
 * (0.2.0) A mapping request with everything a method can say.  Fill it
 * with pmp_map_params_init() (zeroes it and records its size: later
 * versions append fields and read only that size).  lifetime 0 deletes.
 * The PCP-only flags and filters end the request with PMP_EUNSUPPORTED
 * when the method in use is NAT-PMP; nonce and public_address are then
 * ignored.
 */
#define PMP_MAP_NONCE 0x1u	/* nonce is the mapping's (an earlier
				 * result's): renew or delete it */
#define PMP_MAP_PREFER_FAILURE 0x2u /* PCP §13.2: the suggested port or
				 * a refusal, never another */
#define PMP_MAP_THIRD_PARTY 0x4u /* PCP §13.1: for host third_party */
#define PMP_MAP_PEER 0x8u	/* PCP PEER §12: the outbound flow to
				 * peer_address:peer_port (PMP_OP_PEER) */
#define PMP_MAX_FILTERS 16

typedef struct pmp_filter {	/* PCP FILTER §13.3: who may reach it */
	uint8_t address[16];	/* remote prefix, IPv4-mapped for IPv4 */
	uint8_t prefix_len;	/* of the 128-bit form: IPv4 /n is 96 + n */
	uint16_t port;		/* 0: every port */
} pmp_filter_t;

typedef struct pmp_map_params {
	size_t size;		/* set by pmp_map_params_init() */
	int protocol;		/* PMP_PROTO_UDP or PMP_PROTO_TCP */
	uint16_t private_port;	/* 1-65535 */
	uint16_t public_port;	/* suggestion; 0: the private port */
	uint32_t lifetime;	/* seconds; 0 deletes */
	unsigned flags;		/* PMP_MAP_* */
	uint8_t public_address[16]; /* PCP suggestion; zero: none */
	uint8_t nonce[12];	/* with PMP_MAP_NONCE */
	uint8_t third_party[16]; /* with PMP_MAP_THIRD_PARTY */
	uint8_t peer_address[16]; /* with PMP_MAP_PEER */
	uint16_t peer_port;	/* with PMP_MAP_PEER */
	unsigned nfilters;	/* 0 to PMP_MAX_FILTERS */
	pmp_filter_t filters[PMP_MAX_FILTERS];
} pmp_map_params_t;

#define pmp_map_params_init(p) pmp_map_params_init_size((p), sizeof(*(p)))
PMP_EXPORT void pmp_map_params_init_size(pmp_map_params_t *p, size_t size);

/* Queue it: as pmp_request_map() (PMP_EINVAL also for a bad size, flag,
 * peer or filter; PMP_EUNSUPPORTED as above). */
PMP_EXPORT PMP_NODISCARD int pmp_request_map_params(pmp_client_t *c,
    const pmp_map_params_t *p, pmp_callback cb, void *arg);

/*
 * Cancel a queued or in-flight request; its callback is not called.
 * Returns PMP_OK, or PMP_EINVAL if no such request is pending.
 */
PMP_EXPORT int pmp_cancel(pmp_client_t *c, unsigned request_id);

/*
 * ---- Event loops ----
 * In the manner of c-ares' ares_process_fds(): the client lists the
 * descriptors it wants watched, each with the events it waits for; the
 * caller waits (poll, epoll, kqueue, libuv, WSAPoll...) until one is ready
 * or pmp_client_timeout_ms() passes, then hands back which are ready with
 * which events.  The set changes when a request opens the first socket,
 * when pmp_keep() or pmp_client_listen() add announcement listeners, and
 * (with UPnP-IGD) as TCP connections come and go: the generation number
 * pmp_client_poll_fds() returns changes, and the fd callback, if set, is
 * told of every change.  On Windows a descriptor is a Winsock SOCKET as
 * an int (the library hands out none that does not fit).
 */
#define PMP_FD_READ 0x1u	/* wait until readable (POLLIN) */
#define PMP_FD_WRITE 0x2u	/* wait until writable (POLLOUT) */
#define PMP_FD_ERROR 0x4u	/* ready: an error is pending (POLLERR,
				 * POLLHUP); never needs asking for */

typedef struct pmp_fd {
	int fd;
	unsigned events;	/* PMP_FD_* wanted, or (to process) ready */
} pmp_fd_t;

/*
 * The descriptors to watch: up to max are stored in fds (which may be NULL
 * when max is 0).  Returns how many there are in all (0 before the first
 * request), which may exceed max: call again with a larger array.  If
 * generation is not NULL it gets the set's generation number, which
 * changes whenever the set does.
 */
PMP_EXPORT int pmp_client_poll_fds(pmp_client_t *c, pmp_fd_t *fds, int max,
    unsigned *generation);

/*
 * Called when a descriptor is added or its wanted events change (events
 * non-zero) and when it is removed (events 0, just before it is closed).
 * Runs with the client's lock held, from the call that changed the set.
 * Setting a callback reports the current set to it at once.
 */
typedef void (*pmp_fd_cb)(void *arg, int fd, unsigned events);
PMP_EXPORT void pmp_client_set_fd_callback(pmp_client_t *c, pmp_fd_cb cb,
    void *arg);

/* Milliseconds until pmp_client_process_fds() must be called even if no
 * descriptor is ready: >= 0, or -1 when nothing is pending. */
PMP_EXPORT int pmp_client_timeout_ms(pmp_client_t *c);

/*
 * Do the work: read what the n ready descriptors in ready[] hold (events
 * as PMP_FD_*; descriptors that are not the client's are ignored; n 0 for
 * timers only), run the timers, send what is due, call completion and
 * event callbacks.  Returns PMP_OK, or PMP_ESYS if a socket failed in a
 * way that is not about one request (requests are failed through their
 * callbacks).
 */
PMP_EXPORT int pmp_client_process_fds(pmp_client_t *c, const pmp_fd_t *ready,
    int n);

/* Number of requests queued or in flight (kept mappings' own included). */
PMP_EXPORT unsigned pmp_client_pending(pmp_client_t *c);

/* (0.1.0) The first socket, or -1 before the first request; it is not
 * the only one: use pmp_client_poll_fds(). */
PMP_EXPORT int pmp_client_fd(pmp_client_t *c);

/* (0.1.0) pmp_client_process_fds() with every descriptor ready for
 * reading if readable is non-zero (safe to pass 1 spuriously), none if 0. */
PMP_EXPORT int pmp_client_process(pmp_client_t *c, int readable);

/*
 * ---- Kept mappings (RFC 6886 §3.3, §3.6, §3.7, §3.2.1) ----
 * A kept mapping is created, renewed at half of the lifetime the gateway
 * granted (asking again for the public port it was granted), re-created
 * after a gateway restart (detected by the epoch rule on every packet from
 * the gateway, by announcements, or by a PCP ANNOUNCE) after the RFC's
 * random 0-5 s, re-created when the public address changes, and retried
 * with capped back-off after any failure for as long as it is kept: it is
 * never given up.  All of it goes through the client's one request queue.
 * What happens is reported through the event callback; the program needs
 * nothing else.  Drive the client as usual (pmp_client_poll_fds(),
 * pmp_client_timeout_ms(), pmp_client_process_fds()): a kept mapping adds
 * announcement listeners to the set.
 */
typedef enum pmp_event_type {
	PMP_EV_MAPPED = 1,	/* first granted */
	PMP_EV_RENEWED = 2,	/* renewed: same public port and address */
	PMP_EV_PORT_CHANGED = 3, /* the gateway now gives another port */
	PMP_EV_ADDRESS_CHANGED = 4, /* the public address changed */
	PMP_EV_GATEWAY_RESTARTED = 5, /* the gateway lost its mappings */
	PMP_EV_LOST = 6,	/* expired unrenewed, or found gone; status */
	PMP_EV_RESTORED = 7,	/* granted again after a loss or restart */
	PMP_EV_RETRYING = 8,	/* a request failed; retried in retry_ms */
	PMP_EV_DELETED = 9,	/* pmp_keep_stop() finished; status of the
				 * delete (PMP_OK if the gateway confirmed) */
	PMP_EV_ANNOUNCEMENT = 10 /* an announcement from the gateway */
} pmp_event_type_t;

typedef struct pmp_event {
	pmp_event_type_t type;
	unsigned keep_id;	/* the kept mapping; 0 for gateway events */
	int status;		/* PMP_OK or the error (LOST, RETRYING) */
	pmp_method_t method;	/* the method that told it */
	unsigned result_code;	/* the method's result code with
				 * PMP_EGATEWAY: pmp_result_code_text() */
	int protocol;		/* PMP_PROTO_UDP/TCP; 0 for gateway events */
	uint16_t private_port;
	uint16_t public_port;	/* now (0 if none) */
	uint16_t previous_public_port; /* PORT_CHANGED, RESTORED */
	uint32_t lifetime;	/* granted */
	uint32_t retry_ms;	/* RETRYING: when the next attempt goes out */
	uint32_t epoch;		/* gateway's SSSoE, when known */
	uint8_t public_address[16];	/* IPv4-mapped; zero if unknown */
	uint8_t previous_address[16];	/* ADDRESS_CHANGED */
	uint32_t reserved[16];	/* room to grow; zero (see the top) */
} pmp_event_t;

typedef void (*pmp_event_cb)(void *arg, const pmp_event_t *ev);

/* Where events go (one callback per client; NULL to drop them). */
PMP_EXPORT void pmp_client_set_event_callback(pmp_client_t *c,
    pmp_event_cb cb, void *arg);

/*
 * Keep a mapping.  protocol PMP_PROTO_UDP or PMP_PROTO_TCP; private_port
 * 1-65535, or 0 to let the gateway choose the public port (what VPN
 * providers such as ProtonVPN offer; standard gateways refuse it);
 * public_port the suggestion (0: the private port); lifetime asked for
 * each time, 1 or more (PMP_DEFAULT_LIFETIME is the RFC's advice).
 * Returns a keep id (> 0) or PMP_EINVAL, PMP_ENOMEM, PMP_ESYS,
 * PMP_ENOROUTE, PMP_ENOGWADDR.  Also starts listening for announcements
 * as pmp_client_listen() does (a failure there is not fatal: restarts are
 * then found from the epoch of answers and by periodic re-verification).
 */
PMP_EXPORT PMP_NODISCARD int pmp_keep(pmp_client_t *c, int protocol,
    uint16_t private_port, uint16_t public_port, uint32_t lifetime);

/*
 * Stop keeping a mapping: delete it on the gateway (lifetime 0, RFC 6886
 * §3.4), trying for at most 3 seconds.  A PMP_EV_DELETED event follows.
 * Returns PMP_OK or PMP_EINVAL (no such kept mapping).
 */
PMP_EXPORT int pmp_keep_stop(pmp_client_t *c, unsigned keep_id);

/* Kept mappings not yet deleted (including those being deleted). */
PMP_EXPORT unsigned pmp_keep_count(pmp_client_t *c);

/*
 * Listen for the gateway's announcements on 224.0.0.1:5350 (and the
 * legacy copy miniupnpd sends to :5351), joined on the interface that
 * reaches the gateway, sharing the port with other processes.  Only
 * packets from the gateway's address count.  Each valid one gives a
 * PMP_EV_ANNOUNCEMENT event and, if it shows a restart or a new address,
 * the re-mapping of kept mappings.  Returns PMP_OK, PMP_ESYS, or the
 * errors of gateway discovery.
 */
PMP_EXPORT int pmp_client_listen(pmp_client_t *c);

/*
 * (0.1.0) The descriptors of pmp_client_poll_fds() without their events:
 * up to max are stored; returns how many there are in all.
 */
PMP_EXPORT int pmp_client_fds(pmp_client_t *c, int *fds, int max);

/*
 * ---- Blocking API ----
 * pmp_map() fills res->public_address: PCP's answer names it; over
 * NAT-PMP it asks for it first, once, if not known, within the same
 * timeout.  An error or 0.0.0.0 there leaves it zero; no answer ends the
 * call there, with a mapping result (op PMP_OP_MAP) with that status.
 * Each fills *res (which may not be NULL) and returns res->status: PMP_OK
 * or the error that ended the request (PMP_ETIMEDOUT, PMP_ENOSUPPORT,
 * PMP_EREFUSED, PMP_EGATEWAY with res->result_code, PMP_ENOADDR,
 * PMP_ENOTGRANTED, or the errors of the pmp_request_*() functions).
 * Arguments as for the matching pmp_request_*() function.
 */
PMP_EXPORT int pmp_get_public_address(pmp_client_t *c, pmp_result_t *res);
PMP_EXPORT int pmp_map(pmp_client_t *c, int protocol, uint16_t private_port,
    uint16_t public_port, uint32_t lifetime, pmp_result_t *res);
PMP_EXPORT int pmp_unmap(pmp_client_t *c, int protocol,
    uint16_t private_port, pmp_result_t *res);
PMP_EXPORT int pmp_unmap_all(pmp_client_t *c, int protocol,
    pmp_result_t *res);
/* (0.2.0) pmp_request_map_params(), blocking; no address request first
 * (PCP's answer names the address; NAT-PMP's leaves it as last known). */
PMP_EXPORT int pmp_map_with(pmp_client_t *c, const pmp_map_params_t *p,
    pmp_result_t *res);

/*
 * ---- Gateway discovery ----
 * The route the system would use toward a public destination (Linux:
 * rtnetlink, honouring metrics, policy routing and VPN split routes, else
 * /proc/net/route; BSD/macOS: the routing socket; Windows: GetBestRoute2,
 * the interface's friendly name).  Sends no packet.
 */
typedef enum pmp_gw_method {
	PMP_GW_NETLINK = 1, PMP_GW_PROC_ROUTE = 2, PMP_GW_ROUTE_SOCKET = 3,
	PMP_GW_BEST_ROUTE = 4	/* (0.2.0) Windows: GetBestRoute2() */
} pmp_gw_method_t;

typedef struct pmp_gateway_info {
	uint8_t gateway[16];	/* zero if the route has none */
	uint8_t source[16];	/* our source address on that route, if known */
	char ifname[32];	/* outgoing interface, "" if unknown */
	pmp_gw_method_t method;	/* how it was found */
	uint32_t reserved[8];	/* room to grow; zero (see the top) */
} pmp_gateway_info_t;

/*
 * Fill *info.  Returns PMP_OK; PMP_ENOROUTE (no route to the outside);
 * PMP_ENOGWADDR (the route has no gateway, e.g. a WireGuard or tun
 * point-to-point link: *info still names the interface; the gateway must be
 * given explicitly); PMP_ESYS; PMP_EUNSUPPORTED on other systems.
 */
PMP_EXPORT int pmp_discover_gateway(pmp_gateway_info_t *info);
/* (0.2.0) IPv6's default router, for PCP; a link-local one carries its
 * interface in bytes 2-3, as pmp_parse_gateway("fe80::1%eth0") gives. */
PMP_EXPORT int pmp_discover_gateway6(pmp_gateway_info_t *info);

/* The library's version as PMP_VERSION packs it, and as text. */
PMP_EXPORT unsigned pmp_version(void);
PMP_EXPORT const char *pmp_version_str(void);

#ifdef __cplusplus
}
#endif
#endif /* PMP_H */
