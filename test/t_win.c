/*
 * t_win.c - the Windows OS layer (src/io/win_*.c, src/route/windows.c)
 * under Wine or Windows, on loopback only: the clock, the random source,
 * the waker, UDP (a datagram longer than the buffer said so; the ICMP
 * port unreachable as ECONNREFUSED once, then not again; an unconnected
 * socket unharmed by one), TCP, WSAPoll, gateway discovery (which sends
 * nothing), interfaces by either of their names.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <windows.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pmp.h"
#include "io/io.h"

static const uint8_t LO[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    127, 0, 0, 1 };

static int
setup(void **state)
{
	(void)state;
	return pmp_net_start() == PMP_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	pmp_net_stop();
	return 0;
}

/* A plain UDP socket on 127.0.0.1, its port in *port. */
static SOCKET
peer(uint16_t *port)
{
	struct sockaddr_in sin;
	int len = sizeof(sin);
	SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(s != INVALID_SOCKET);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return s;
}

/* Wait until fd is readable (or 2 s): 1 if it is. */
static int
readable(int fd, int ms)
{
	struct pollfd p;

	p.fd = (SOCKET)(unsigned)fd;
	p.events = POLLIN;
	p.revents = 0;
	/* a peer's close is POLLHUP alone on Windows: readable (sync.c) */
	return pmp_poll(&p, 1, ms) > 0 &&
	    (p.revents & (POLLIN | POLLERR | POLLHUP));
}

static void
test_clock_and_random(void **state)
{
	uint64_t t0, t1;
	uint8_t a[16], b[16], zero[16];

	(void)state;
	t0 = pmp_clock_ms();
	Sleep(60);
	t1 = pmp_clock_ms();
	assert_true(t1 >= t0 + 40 && t1 < t0 + 2000);
	/* awake all along: nothing slept, as far as the test can see */
	assert_true(pmp_clock_asleep_ms() < 24ull * 3600u * 1000u);
	memset(zero, 0, sizeof(zero));
	assert_int_equal(pmp_random_fill(NULL, a, sizeof(a)), PMP_OK);
	assert_int_equal(pmp_random_fill(NULL, b, sizeof(b)), PMP_OK);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, zero, sizeof(a));
	/* WSAPoll refuses an empty set: pmp_poll sleeps instead */
	t0 = pmp_clock_ms();
	assert_int_equal(pmp_poll(NULL, 0, 50), 0);
	assert_true(pmp_clock_ms() >= t0 + 30);
}

static void *
waking(void *arg)
{
	Sleep(50);
	pmp_waker_wake(arg);
	return NULL;
}

static void
test_waker(void **state)
{
	pmp_waker_t w;
	pthread_t t;

	(void)state;
	assert_int_equal(pmp_waker_init(&w), PMP_OK);
	assert_int_equal(pmp_waker_open(&w), PMP_OK);
	pmp_waker_become_poller(&w);
	/* from the poller itself: nothing written (it is not asleep) */
	pmp_waker_wake(&w);
	assert_false(readable(w.fds[0], 0));
	assert_int_equal(pthread_create(&t, NULL, waking, &w), 0);
	assert_true(readable(w.fds[0], 2000));
	pthread_join(t, NULL);
	pmp_waker_drain(&w);
	assert_false(readable(w.fds[0], 0));
	pmp_waker_free(&w);
}

static void
test_udp(void **state)
{
	uint8_t to[16], src[16], b[64], big[200];
	uint16_t port, sport;
	struct sockaddr_in from;
	int len = sizeof(from), fd;
	SOCKET g = peer(&port);
	char got[16];
	long n;

	(void)state;
	memcpy(to, LO, 16);
	fd = pmp_udp_open(to, port);
	assert_true(fd >= 0);
	assert_int_equal(pmp_udp_send(fd, (const uint8_t *)"ask", 3), PMP_OK);
	assert_int_equal(recvfrom(g, got, sizeof(got), 0,
	    (struct sockaddr *)&from, &len), 3);
	assert_int_equal(sendto(g, "answer", 6, 0, (struct sockaddr *)&from,
	    len), 6);
	assert_true(readable(fd, 2000));
	n = pmp_udp_recv(fd, b, sizeof(b), src, &sport);
	assert_int_equal(n, 6);
	assert_memory_equal(b, "answer", 6);
	assert_memory_equal(src, LO, 16);
	assert_int_equal(sport, port);
	/* longer than the buffer: more than cap says so */
	memset(big, 'x', sizeof(big));
	assert_int_equal(sendto(g, (const char *)big, sizeof(big), 0,
	    (struct sockaddr *)&from, len), (int)sizeof(big));
	assert_true(readable(fd, 2000));
	n = pmp_udp_recv(fd, b, sizeof(b), src, &sport);
	assert_true(n > (long)sizeof(b));
	/* nothing more: EWOULDBLOCK */
	assert_int_equal(pmp_udp_recv(fd, b, sizeof(b), src, &sport),
	    PMP_ESYS);
	assert_true(errno == EWOULDBLOCK || errno == EAGAIN);
	pmp_close(fd);
	closesocket(g);
}

/* The gateway's port closed: its ICMP port unreachable is ECONNREFUSED
 * on the connected socket, once; an unconnected socket sees none. */
static void
test_port_unreachable(void **state)
{
	uint8_t to[16], src[16], b[64];
	uint16_t port, sport, port2;
	SOCKET g = peer(&port), g2;
	struct sockaddr_in sin;
	int fd, i, refused = 0;

	(void)state;
	closesocket(g);		/* nothing listens on port now */
	memcpy(to, LO, 16);
	fd = pmp_udp_open(to, port);
	assert_true(fd >= 0);
	/* as api/drive.c reads it: the receive says so (Windows), or the
	 * poll says POLLERR and SO_ERROR holds it (Wine); sent again each
	 * round, as a request is retransmitted */
	for (i = 0; i < 20 && !refused; i++) {
		struct pollfd p;

		assert_int_equal(pmp_udp_send(fd, (const uint8_t *)"x", 1),
		    PMP_OK);
		p.fd = (SOCKET)(unsigned)fd;
		p.events = POLLIN;
		p.revents = 0;
		(void)pmp_poll(&p, 1, 100);
		if (pmp_udp_recv(fd, b, sizeof(b), src, &sport) == PMP_ESYS &&
		    (errno == ECONNREFUSED || ((p.revents & POLLERR) &&
		    pmp_socket_error(fd) == ECONNREFUSED)))
			refused = 1;
	}
	assert_true(refused);
	assert_int_equal(pmp_udp_recv(fd, b, sizeof(b), src, &sport),
	    PMP_ESYS);
	assert_int_not_equal(errno, ECONNREFUSED);	/* said once */
	pmp_close(fd);
	/* the search socket: the same error does not fail its receives,
	 * and an answer from elsewhere still arrives */
	fd = pmp_search_socket(LO);
	assert_true(fd >= 0);
	assert_int_equal(pmp_udp_sendto(fd, (const uint8_t *)"x", 1, to, port),
	    PMP_OK);
	Sleep(50);
	assert_int_equal(pmp_udp_recv(fd, b, sizeof(b), src, &sport),
	    PMP_ESYS);
	assert_true(errno == EWOULDBLOCK || errno == EAGAIN);
	g2 = peer(&port2);
	assert_int_equal(pmp_udp_local(fd, src, &sport), PMP_OK);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(sport);
	assert_int_equal(sendto(g2, "ok", 2, 0, (struct sockaddr *)&sin,
	    sizeof(sin)), 2);
	assert_true(readable(fd, 2000));
	assert_int_equal(pmp_udp_recv(fd, b, sizeof(b), src, &sport), 2);
	assert_int_equal(sport, port2);
	assert_int_equal(pmp_search_socket_refused(fd, to, &sport), -1);
	closesocket(g2);
	pmp_close(fd);
}

static void
test_tcp(void **state)
{
	struct sockaddr_in sin;
	int len = sizeof(sin), fd, in_progress, err = EINPROGRESS, i;
	SOCKET l = socket(AF_INET, SOCK_STREAM, 0), a;
	uint8_t to[16], b[16];
	struct pollfd p;
	long n;

	(void)state;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(l, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&sin, &len), 0);
	memcpy(to, LO, 16);
	fd = pmp_tcp_connect(to, ntohs(sin.sin_port), &in_progress);
	assert_true(fd >= 0);
	for (i = 0; i < 20 && err == EINPROGRESS; i++) {
		p.fd = (SOCKET)(unsigned)fd;
		p.events = POLLOUT;
		p.revents = 0;
		(void)pmp_poll(&p, 1, 100);
		err = pmp_tcp_connected(fd);
	}
	assert_int_equal(err, 0);
	a = accept(l, NULL, NULL);
	assert_true(a != INVALID_SOCKET);
	assert_int_equal(pmp_send(fd, (const uint8_t *)"GET", 3), 3);
	assert_int_equal(recv(a, (char *)b, sizeof(b), 0), 3);
	assert_int_equal(send(a, "200", 3, 0), 3);
	closesocket(a);
	assert_true(readable(fd, 2000));
	n = pmp_recv(fd, b, sizeof(b));
	assert_int_equal(n, 3);
	assert_memory_equal(b, "200", 3);
	assert_true(readable(fd, 2000));
	assert_int_equal(pmp_recv(fd, b, sizeof(b)), 0);	/* closed */
	pmp_close(fd);
	closesocket(l);
}

/* GetBestRoute2: an answer of the documented kinds, nothing sent. */
static void
test_discovery(void **state)
{
	pmp_gateway_info_t gi;
	int rc = pmp_discover_gateway(&gi);

	(void)state;
	assert_true(rc == PMP_OK || rc == PMP_ENOROUTE || rc == PMP_ENOGWADDR ||
	    rc == PMP_ESYS);
	if (rc == PMP_OK) {
		assert_int_equal(gi.method, PMP_GW_BEST_ROUTE);
		assert_int_equal(gi.gateway[10], 0xff);	/* IPv4-mapped */
	}
	assert_int_equal(pmp_discover_gateway(NULL), PMP_EINVAL);
}

/* An interface by its alias ("Ethernet", what Windows shows and pmp
 * prints) or its if_nametoindex() name: the same index. */
static void
test_interface_names(void **state)
{
	ULONG size = 32768;
	IP_ADAPTER_ADDRESSES *list = malloc(size), *a;
	char alias[256], name[IF_MAX_STRING_SIZE + 1];
	int seen = 0;

	(void)state;
	assert_non_null(list);
	assert_int_equal(GetAdaptersAddresses(AF_UNSPEC, 0, NULL, list, &size),
	    NO_ERROR);
	for (a = list; a != NULL; a = a->Next) {
		if (a->IfIndex == 0 || WideCharToMultiByte(CP_UTF8, 0,
		    a->FriendlyName, -1, alias, sizeof(alias), NULL, NULL) == 0)
			continue;
		assert_int_equal(pmp_if_index(alias), a->IfIndex);
		if (if_indextoname(a->IfIndex, name) != NULL)
			assert_int_equal(pmp_if_index(name), a->IfIndex);
		seen++;
	}
	free(list);
	assert_true(seen > 0);
	assert_int_equal(pmp_if_index("no-such-interface-pmp"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clock_and_random),
		cmocka_unit_test(test_waker),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_port_unreachable),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_discovery),
		cmocka_unit_test(test_interface_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
