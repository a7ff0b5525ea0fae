/*
 * io.h - the thin system layer around the pure core: clocks, descriptors,
 * UDP sockets, the announcement listeners, the random source, and the
 * wake-up of a blocked poller.  One set of files per system: POSIX
 * (clock.c fd.c udp.c stream.c listen.c random.c) and Windows (win_*.c);
 * sockaddr.c, wake.c, listeners.c and slept.c serve both.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * One error convention, the library's: a function returns PMP_OK (or a
 * descriptor or length, >= 0) or a negative PMP_E* code; PMP_ESYS leaves
 * errno as the failing call set it (on Windows, the POSIX errno of the
 * Winsock error: WSAEWOULDBLOCK is EWOULDBLOCK, a UDP WSAECONNRESET —
 * the ICMP port unreachable — ECONNREFUSED; see win_fd.c).
 *
 * A descriptor is an int: on Windows a Winsock SOCKET, which the layer
 * hands out only if it fits (as OpenSSL does).
 */
#ifndef PMP_IO_H
#define PMP_IO_H

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <sys/types.h>
#include <sys/socket.h>
#include <poll.h>
#endif

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The time every deadline is on, in milliseconds: CLOCK_BOOTTIME where it
 * exists (Linux), which keeps counting while the host is suspended, so a
 * renewal due during a laptop's sleep is due at once on resume and the
 * epoch rule (RFC 6886 §3.6) sees the time that really passed; otherwise
 * CLOCK_MONOTONIC.  Never jumps with the wall clock.
 */
uint64_t pmp_clock_ms(void);

/*
 * How long the host has been suspended since it booted, in milliseconds
 * (the boot clock's lead over the monotonic one); 0 without a boot clock.
 * When it grows, the host slept.
 */
uint64_t pmp_clock_asleep_ms(void);

/* A jump of pmp_clock_asleep_ms() beyond this is a sleep worth reacting
 * to (scheduling noise between the two readings is well below). */
#define PMP_CLOCK_SLEPT_MS 2000u

/*
 * Whether the host slept since *last_asleep_ms was read (by more than
 * PMP_CLOCK_SLEPT_MS); *last_asleep_ms takes asleep_ms.  Pure.
 */
int pmp_clock_slept(uint64_t *last_asleep_ms, uint64_t asleep_ms);

/* The system's network stack, for a client's life: Winsock's
 * WSAStartup()/WSACleanup(), counted by Winsock itself; nothing on POSIX.
 * PMP_OK or PMP_ESYS. */
int pmp_net_start(void);
void pmp_net_stop(void);

/* socket() whose descriptor is close-on-exec (not inherited) and
 * non-blocking from birth: the fd or PMP_ESYS. */
int pmp_socket(int domain, int type, int protocol);
void pmp_close(int fd);
/* The error pending on a socket (SO_ERROR) as errno, 0 if none. */
int pmp_socket_error(int fd);
/* poll() on this layer's descriptors (Windows: WSAPoll()): as poll(). */
int pmp_poll(struct pollfd *pfd, unsigned n, int timeout_ms);

/* addr:port as a socket address (AF_INET for IPv4-mapped, else
 * AF_INET6) and its length; back again: 0, or -1 for another family
 * (addr zeroed). */
socklen_t pmp_sockaddr_from(struct sockaddr_storage *ss,
    const uint8_t addr[16], uint16_t port);
int pmp_sockaddr_to(const struct sockaddr_storage *ss, uint8_t addr[16],
    uint16_t *port);
/* An interface's index by name; 0 if there is none. */
unsigned pmp_if_index(const char *name);

/*
 * Open a non-blocking, close-on-exec UDP socket connected to addr:port
 * (IPv4-mapped, or IPv6).  Connecting makes the kernel drop datagrams from other
 * sources and report ICMP port unreachable as ECONNREFUSED (PROTOCOL.md
 * §6.3).  Returns the fd or PMP_ESYS.
 */
int pmp_udp_open(const uint8_t addr[16], uint16_t port);

/* The local address and port a connected UDP socket uses. */
int pmp_udp_local(int fd, uint8_t addr[16], uint16_t *port);

/*
 * Receive one datagram.  Returns its full length (which may exceed cap:
 * MSG_TRUNC, so oversize packets are seen as such, A-08) or PMP_ESYS.
 * src/sport receive the sender.
 */
long pmp_udp_recv(int fd, uint8_t *b, size_t cap, uint8_t src[16],
    uint16_t *sport);

/* Send on the connected socket; PMP_OK or PMP_ESYS. */
int pmp_udp_send(int fd, const uint8_t *b, size_t n);

/*
 * UPnP-IGD (stream.c).  The SSDP search socket: unconnected (answers come
 * from any port), bound to local (our address toward the gateway), its
 * multicast leaving on that interface with TTL 2 (UDA 1.1 §1.1.2).  The fd
 * or PMP_ESYS.
 */
int pmp_search_socket(const uint8_t local[16]);
/* One error queued on the search socket: 1 if it is a port unreachable
 * for a datagram sent to to:*port, 0 for another error, -1 when none is
 * left (or the system has no error queue).  Call until -1 after a
 * receive fails: the queue keeps the socket readable while not empty. */
int pmp_search_socket_refused(int fd, uint8_t to[16], uint16_t *port);
/* One datagram to addr:port on an unconnected socket: PMP_OK, PMP_ESYS. */
int pmp_udp_sendto(int fd, const uint8_t *b, size_t n,
    const uint8_t addr[16], uint16_t port);
/* A non-blocking TCP connection to addr:port: the fd (*in_progress set
 * while it is being made: wait for writable) or PMP_ESYS. */
int pmp_tcp_connect(const uint8_t addr[16], uint16_t port,
    int *in_progress);
/* Once writable: 0 if the connection is made, EINPROGRESS if not yet,
 * else its errno. */
int pmp_tcp_connected(int fd);
/* Non-blocking send and receive on a connected socket (TCP, or UDP's
 * send): the bytes moved (0 from recv: the peer closed) or PMP_ESYS
 * (EAGAIN: not now). */
long pmp_send(int fd, const uint8_t *b, size_t n);
long pmp_recv(int fd, uint8_t *b, size_t cap);

/*
 * One announcement listener (RFC 6886 §3.2.1): bound to the group
 * 224.0.0.1 itself on port, sharing the port with other processes, joined
 * on the interface whose address is local (IPv4-mapped); for an IPv6
 * local address, the port on IPv6 where ff02::1's copies arrive.  The fd
 * or PMP_ESYS.
 */
int pmp_listener_open(uint16_t port, const uint8_t local[16]);
/* The SSDP NOTIFY listener: 239.255.255.250:1900 joined on the interface
 * of local (IPv4), shared; a descriptor or PMP_ESYS. */
int pmp_ssdp_listener_open(const uint8_t local[16]);
/* What both are made of, per system (listeners.c): a UDP socket on port
 * shared with other processes, joined to the IPv4 group (host order) on
 * local's interface; an IPv6-only one on port. */
int pmp_group4_open(uint16_t port, uint32_t group, const uint8_t local[16]);
int pmp_any6_open(uint16_t port);

/*
 * The system's random source for pmp_rng_t (core/rng.h): getrandom() or
 * getentropy(); never a time-seeded generator.  ctx is unused.  PMP_OK or
 * PMP_ESYS.
 */
int pmp_random_fill(void *ctx, void *buf, size_t n);

/*
 * Waking a thread blocked in poll(): a pipe (Windows: a UDP socket
 * connected to itself on loopback) that is written when another thread
 * changed what it waits for, and a condition variable for the threads
 * waiting their turn to poll.  Its own mutex, never held while calling
 * into the client.
 */
typedef struct pmp_waker {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int fds[2];		/* read, write ends; -1 until pmp_waker_open() */
	int poller;		/* a thread is inside poll() */
	pthread_t poller_thread;	/* which, while poller is set */
} pmp_waker_t;

/* The waker's descriptors, read end and write end (fd.c: a pipe, both
 * ends close-on-exec and non-blocking; win_wake.c: one socket twice):
 * PMP_OK or PMP_ESYS.  A poke makes the read end readable; a flush reads
 * all that is there. */
int pmp_wake_pair(int fds[2]);
void pmp_wake_pair_close(int fds[2]);
void pmp_wake_poke(int fd);
void pmp_wake_flush(int fd);

int pmp_waker_init(pmp_waker_t *w);	/* PMP_OK or PMP_ENOMEM */
void pmp_waker_free(pmp_waker_t *w);
int pmp_waker_open(pmp_waker_t *w);	/* PMP_OK or PMP_ESYS */
/* Become the poller (waker's lock held): pmp_waker_wake() from this
 * thread then writes nothing, since it is not asleep. */
void pmp_waker_become_poller(pmp_waker_t *w);
/* Wake the poller, if there is one and it is another thread (a poller
 * that wrote to its own pipe would spin).  Any thread, any lock held. */
void pmp_waker_wake(pmp_waker_t *w);
/* Empty the pipe (the poller, after poll()). */
void pmp_waker_drain(pmp_waker_t *w);

#endif
