/*
 * sync.h - what the blocking layer (sync.c) needs beyond pmp.h: the
 * client's waker, so that one blocked thread polls while the others wait,
 * and a new request from any thread wakes it; and the client's timeout.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_SYNC_H
#define PMP_SYNC_H

#include "pmp.h"
#include "io/io.h"

/* Defined in client.c; never NULL for a client. */
pmp_waker_t *pmp_client_waker(pmp_client_t *c);

/* The client's pmp_client_set_timeout_ms() value (0: none), which bounds
 * pmp_map()'s two requests together. */
uint32_t pmp_client_timeout_setting(pmp_client_t *c);

#endif
