/*
 * sys.h - the thin system layer: monotonic clock and the UDP socket.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_SYS_H
#define PMP_SYS_H

#include <stddef.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in milliseconds (never jumps with the wall clock: A-45). */
uint64_t pmp_clock_ms(void);

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
