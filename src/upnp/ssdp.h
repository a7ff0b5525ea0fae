/*
 * ssdp.h - SSDP, UPnP-IGD's discovery (UPnP Device Architecture 1.1 §1):
 * the M-SEARCH request, and the answers and NOTIFY announcements read
 * from datagrams.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Pure.  Header names are matched case-insensitively (devices send
 * "Location", "LOCATION", "location"), values trimmed; a datagram that is
 * not a well-formed answer or NOTIFY is refused whole.
 */
#ifndef PMP_UPNP_SSDP_H
#define PMP_UPNP_SSDP_H

#include <stddef.h>
#include <stdint.h>

#define PMP_SSDP_PORT 1900
#define PMP_SSDP_MAX 1500	/* one datagram; longer is not SSDP */
#define PMP_SSDP_URL 256
#define PMP_SSDP_TEXT 128

typedef enum pmp_ssdp_kind {
	PMP_SSDP_ANSWER = 1,	/* HTTP/1.1 200 OK to an M-SEARCH */
	PMP_SSDP_ALIVE,		/* NOTIFY, NTS ssdp:alive */
	PMP_SSDP_BYEBYE,	/* NOTIFY, NTS ssdp:byebye */
	PMP_SSDP_UPDATE		/* NOTIFY, NTS ssdp:update (UDA 1.1) */
} pmp_ssdp_kind_t;

typedef struct pmp_ssdp_msg {
	pmp_ssdp_kind_t kind;
	char location[PMP_SSDP_URL];	/* "" for byebye */
	char st[PMP_SSDP_TEXT];		/* ST of an answer, NT of a NOTIFY */
	char usn[PMP_SSDP_URL];
	char server[PMP_SSDP_TEXT];	/* "" if none */
	int has_bootid;
	uint32_t bootid;		/* BOOTID.UPNP.ORG (UDA 1.1 §1.2) */
	unsigned max_age;		/* CACHE-CONTROL max-age, 0 if none */
} pmp_ssdp_msg_t;

/*
 * An M-SEARCH for st (a search target), with HOST host ("239.255.255.250:
 * 1900", or the unicast gateway's "a.b.c.d:1900"), MX mx (1-5 s: MX is
 * required even unicast by some devices), MAN quoted as UDA requires.
 * Returns its length in out, or 0 if it does not fit in cap.
 */
size_t pmp_ssdp_msearch(const char *st, const char *host, unsigned mx,
    char *out, size_t cap);

/* Read a datagram: 0 with *m filled, -1 if it is not an answer or a
 * NOTIFY with what its kind needs (LOCATION, ST/NT, USN). */
int pmp_ssdp_parse(const uint8_t *b, size_t n, pmp_ssdp_msg_t *m);

#endif
