/*
 * win.h - what the Windows files of this layer (win_*.c) share: Winsock's
 * errors as errno, and SOCKETs as the layer's int descriptors.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_IO_WIN_H
#define PMP_IO_WIN_H

#include <winsock2.h>

/* The calling thread's Winsock error (WSAGetLastError()) as errno (io.h):
 * PMP_ESYS, for "return pmp_win_fail();". */
int pmp_win_fail(void);

/* The same after closing fd (the error kept): PMP_ESYS. */
int pmp_win_fail_closing(int fd);

/* errno for one Winsock error code. */
int pmp_win_errno(int wsa);

/* s as a descriptor: s itself when it fits an int, else s closed and
 * PMP_ESYS (EMFILE).  INVALID_SOCKET: pmp_win_fail(). */
int pmp_win_fd(SOCKET s);

/* The SOCKET of a descriptor. */
#define PMP_SOCKET(fd) ((SOCKET)(unsigned)(fd))

/* A datagram socket (pmp_socket()) that reports no ICMP error on later
 * receives (SIO_UDP_CONNRESET off, where the system has it): an
 * unconnected one, which cannot tell whose error it is.  The fd or
 * PMP_ESYS. */
int pmp_win_quiet_udp(int family);

#endif
