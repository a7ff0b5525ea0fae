/*
 * loop.c - the event-loop interface: the descriptor set and its
 * observers, the timeout, and processing what is ready.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <limits.h>

#include "client.h"

int
pmp_client_poll_fds(pmp_client_t *c, pmp_fd_t *fds, int max,
    unsigned *generation)
{
	int n;

	if (c == NULL || max < 0 || (fds == NULL && max > 0))
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	n = pmp_drive_fds(c, fds, max);
	if (generation != NULL)
		*generation = c->fd_generation;
	pthread_mutex_unlock(&c->lock);
	return n;
}

void
pmp_client_set_fd_callback(pmp_client_t *c, pmp_fd_cb cb, void *arg)
{
	pmp_fd_t fds[1 + PMP_LISTENERS];
	int n, i;

	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->fd_cb = cb;
	c->fd_arg = arg;
	/* Tell the new observer what is already there. */
	n = pmp_drive_fds(c, fds, 1 + PMP_LISTENERS);
	for (i = 0; cb != NULL && i < n && i < 1 + PMP_LISTENERS; i++)
		cb(arg, fds[i].fd, fds[i].events);
	pthread_mutex_unlock(&c->lock);
}

int
pmp_client_fds(pmp_client_t *c, int *fds, int max)
{
	pmp_fd_t set[1 + PMP_LISTENERS];
	int n, i;

	if (c == NULL || max < 0 || (fds == NULL && max > 0))
		return 0;
	pthread_mutex_lock(&c->lock);
	n = pmp_drive_fds(c, set, 1 + PMP_LISTENERS);
	pthread_mutex_unlock(&c->lock);
	for (i = 0; i < n && i < max && i < 1 + PMP_LISTENERS; i++)
		fds[i] = set[i].fd;
	return n;
}

int
pmp_client_fd(pmp_client_t *c)
{
	int fd;

	if (c == NULL)
		return -1;
	pthread_mutex_lock(&c->lock);
	fd = c->fd;
	pthread_mutex_unlock(&c->lock);
	return fd;
}

int
pmp_client_timeout_ms(pmp_client_t *c)
{
	uint64_t d, now;
	int t;

	if (c == NULL)
		return -1;
	pthread_mutex_lock(&c->lock);
	d = pmp_drive_deadline(c);
	now = pmp_clock_ms();
	if (d == PMP_NO_DEADLINE)
		t = -1;
	else if (d <= now)
		t = 0;		/* never negative (libnatpmp #45) */
	else if (d - now > INT_MAX)
		t = INT_MAX;
	else
		t = (int)(d - now);
	pthread_mutex_unlock(&c->lock);
	return t;
}

int
pmp_client_process_fds(pmp_client_t *c, const pmp_fd_t *ready, int n)
{
	int rc;

	if (c == NULL || n < 0 || (ready == NULL && n > 0))
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	/* Read each ready socket dry: an edge-triggered caller may not come
	 * back otherwise. */
	rc = pmp_drive_process(c, ready, n, n > 0 ? INT_MAX : 0);
	pmp_waker_wake(&c->waker);
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int
pmp_client_process(pmp_client_t *c, int readable)
{
	int rc;

	if (c == NULL)
		return PMP_EINVAL;
	pthread_mutex_lock(&c->lock);
	rc = pmp_drive_process(c, NULL, 0, readable ? INT_MAX : 0);
	pmp_waker_wake(&c->waker);
	pthread_mutex_unlock(&c->lock);
	return rc;
}
