/*
 * wake.c - waking a thread blocked in poll() (see io.h), over the
 * system's descriptor pair (fd.c's pipe, win_wake.c's socket).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include "pmp.h"
#include "io.h"

int
pmp_waker_init(pmp_waker_t *w)
{
	w->fds[0] = w->fds[1] = -1;
	w->poller = 0;
	if (pthread_mutex_init(&w->lock, NULL) != 0)
		return PMP_ENOMEM;
	if (pthread_cond_init(&w->cond, NULL) != 0) {
		pthread_mutex_destroy(&w->lock);
		return PMP_ENOMEM;
	}
	return PMP_OK;
}

void
pmp_waker_free(pmp_waker_t *w)
{
	if (w->fds[0] >= 0)
		pmp_wake_pair_close(w->fds);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
}

int
pmp_waker_open(pmp_waker_t *w)
{
	int rc = PMP_OK;

	pthread_mutex_lock(&w->lock);
	if (w->fds[0] < 0)
		rc = pmp_wake_pair(w->fds);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

void
pmp_waker_become_poller(pmp_waker_t *w)
{
	w->poller = 1;
	w->poller_thread = pthread_self();
}

void
pmp_waker_wake(pmp_waker_t *w)
{
	pthread_mutex_lock(&w->lock);
	if (w->poller && w->fds[1] >= 0 &&
	    !pthread_equal(w->poller_thread, pthread_self()))
		pmp_wake_poke(w->fds[1]);
	pthread_mutex_unlock(&w->lock);
}

void
pmp_waker_drain(pmp_waker_t *w)
{
	pmp_wake_flush(w->fds[0]);
}
