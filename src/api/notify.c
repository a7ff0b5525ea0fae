/*
 * notify.c - what both method drivers (drive.c, upnp_drive.c) report to
 * the client: a change of its descriptor set (a new generation, the fd
 * observer told), a system error (its errno kept), a kept mapping's
 * event.  Lock held.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>

#include "client.h"

int
pmp_client_sys_error(pmp_client_t *c)
{
	c->last_errno = errno;
	return PMP_ESYS;
}

void
pmp_client_fd_changed(pmp_client_t *c, int fd, unsigned events)
{
	c->fd_generation++;
	if (c->fd_cb != NULL)
		c->fd_cb(c->fd_arg, fd, events);
}


void
pmp_client_emit(void *ctx, const pmp_event_t *ev)
{
	pmp_client_t *c = ctx;

	if (c->event_cb != NULL)
		c->event_cb(c->event_arg, ev);
}
