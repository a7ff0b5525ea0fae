/*
 * sys.h - the thin system layer: clocks, descriptors, the UDP socket.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_SYS_H
#define PMP_SYS_H

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

/* socket() and pipe() whose descriptors are close-on-exec and
 * non-blocking from birth.  -1 with errno on failure. */
int pmp_socket(int domain, int type, int protocol);
int pmp_pipe(int fds[2]);

/*
 * Open a non-blocking, close-on-exec UDP socket connected to addr:port
 * (IPv4-mapped).  Connecting makes the kernel drop datagrams from other
 * sources and report ICMP port unreachable as ECONNREFUSED (PROTOCOL.md
 * §6.3).  Returns the fd, or -1 with errno set.
 */
int pmp_udp_open(const uint8_t addr[16], uint16_t port);

/*
 * Receive one datagram.  Returns its full length (which may exceed cap:
 * MSG_TRUNC, so oversize packets are seen as such, A-08), -1 with errno.
 * src/sport receive the sender.
 */
long pmp_udp_recv(int fd, uint8_t *b, size_t cap, uint8_t src[16],
    uint16_t *sport);

/* Send on the connected socket; returns 0 or -1 with errno. */
int pmp_udp_send(int fd, const uint8_t *b, size_t n);

#endif
