/*
 * keep.c - kept mappings and announcements: pmp_keep(), pmp_keep_stop(),
 * pmp_keep_count(), pmp_client_listen().
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <limits.h>
#include <stdlib.h>

#include "client.h"
#include "core/args.h"
#include "upnp_drive.h"

int
pmp_client_listen(pmp_client_t *c)
{
	int rc;

	if (c == NULL)
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	rc = pmp_drive_open(c);
	if (rc == PMP_OK)
		rc = pmp_drive_listen(c);
	pmp_waker_wake(&c->waker);
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int
pmp_keep(pmp_client_t *c, int protocol, uint16_t private_port,
    uint16_t public_port, uint32_t lifetime)
{
	pmp_kept_t *k;
	uint64_t now;
	int rc, id;

	if (c == NULL)
		return PMP_EINVAL;
	rc = pmp_args_check_keep(protocol, lifetime);
	if (rc != PMP_OK)
		return rc;
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return PMP_ENOMEM;
	pthread_mutex_lock(&c->lock);
	rc = pmp_drive_open(c);
	if (rc != PMP_OK) {
		pthread_mutex_unlock(&c->lock);
		free(k);
		return rc;
	}
	/* Without announcements, restarts still show in the epoch of every
	 * answer (UPnP-IGD: the BOOTID of a new search) and in the periodic
	 * re-verification: not fatal. */
	(void)pmp_drive_listen(c);
	if (c->next_keep_id == 0 || c->next_keep_id > INT_MAX)
		c->next_keep_id = 1;
	id = (int)c->next_keep_id++;
	k->id = (unsigned)id;
	k->protocol = protocol;
	k->private_port = private_port;
	k->wish_port = public_port;
	k->lifetime = lifetime;
	now = pmp_clock_ms();
	if (pmp_drive_method(c) == PMP_METHOD_UPNP)
		pmp_upnp_keep(c, k, now);
	else
		pmp_session_keep(&c->session, k, now);
	/* Send at once; completions wait for the next processing. */
	pmp_drive_flush(c, now);
	pmp_waker_wake(&c->waker);
	pthread_mutex_unlock(&c->lock);
	return id;
}

int
pmp_keep_stop(pmp_client_t *c, unsigned keep_id)
{
	uint64_t now;
	int rc = PMP_EINVAL;

	if (c == NULL)
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	if (c->fd >= 0) {
		now = pmp_clock_ms();
		rc = pmp_drive_method(c) == PMP_METHOD_UPNP ?
		    pmp_upnp_keep_stop(c, keep_id, now) :
		    pmp_session_keep_stop(&c->session, keep_id, now);
		if (rc == PMP_OK) {
			pmp_drive_flush(c, now);
			pmp_drive_deliver(c);
		}
	}
	pmp_waker_wake(&c->waker);
	pthread_mutex_unlock(&c->lock);
	return rc;
}

unsigned
pmp_keep_count(pmp_client_t *c)
{
	unsigned n = 0;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->lock);
	if (c->fd >= 0)
		n = pmp_drive_method(c) == PMP_METHOD_UPNP ?
		    pmp_upnp_keep_count(c) :
		    pmp_session_keep_count(&c->session);
	pthread_mutex_unlock(&c->lock);
	return n;
}
