/*
 * rng.h - the random source the core is given (injected, never global).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * The client gives the system's (io/random.c: getrandom()), good enough
 * for PCP's mapping nonces (RFC 6887 §11.1: "randomly generated"; an
 * off-path attacker must not guess them), and for the restart jitter of
 * RFC 6886 §3.7 that must differ between hosts.  Tests give a
 * reproducible one.  No xorshift or time-seeded generator stands in.
 */
#ifndef PMP_RNG_H
#define PMP_RNG_H

#include <stddef.h>
#include <stdint.h>

/* Fill buf with n random bytes: PMP_OK, or a PMP_E* code (nothing
 * random could be had). */
typedef int (*pmp_rng_fill_fn)(void *ctx, void *buf, size_t n);

typedef struct pmp_rng {
	pmp_rng_fill_fn fill;
	void *ctx;
} pmp_rng_t;

/* n random bytes into buf: PMP_OK or the source's error. */
int pmp_rng_bytes(const pmp_rng_t *rng, void *buf, size_t n);

/*
 * Uniform in [0, n] (rejection sampling, no modulo bias).  If the source
 * fails, n / 2: a jitter then still stays within its bounds.
 */
uint32_t pmp_rng_upto(const pmp_rng_t *rng, uint32_t n);

#endif
