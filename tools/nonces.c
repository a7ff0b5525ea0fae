/*
 * nonces.c - the per-user record of PCP mapping nonces, so that a one-shot
 * `pmp unmap` can delete what an earlier one-shot `pmp map` made: the
 * gateway ties a PCP mapping to the nonce of the request that made it and
 * refuses a delete with another (RFC 6887 §11.1, §15).
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * The file is "nonces" in the user's private state directory (os.h:
 * $XDG_RUNTIME_DIR/pmp, root's /run/pmp, made 0700 and refused if it is
 * not ours and private; Windows: %LOCALAPPDATA%\pmp).  One line per
 * mapping:
 *     GATEWAY PORT tcp|udp PRIVATE_PORT NONCE_HEX EXPIRES_UNIX
 * Entries past their lifetime are dropped on every write.  A write takes
 * an exclusive lock (the file "lock" beside it), writes a new file and
 * renames it over the old, so a crash of pmp leaves the old or the new,
 * never half.  A corrupt file is reported and left as it is (a map still
 * stands; only the record is missing).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "os.h"

#define MAX_ENTRIES NONCE_RECORDS_MAX

struct entry {
	char gateway[ADDR_TEXT_LEN];
	unsigned port;
	char transport[4];
	unsigned private_port;
	uint8_t nonce[12];
	unsigned long long expires;
};

static int
hex_nonce(const char *s, uint8_t out[12])
{
	unsigned i, v;

	if (strlen(s) != 24)
		return -1;
	for (i = 0; i < 12; i++) {
		if (sscanf(s + (size_t)2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

/* Read every entry; a missing file is empty.  -1 and err if corrupt. */
static int
load(const char *path, struct entry *e, size_t *n, char *err, size_t errcap)
{
	char line[256], nonce[32];
	unsigned lineno = 0;
	FILE *f = fopen(path, "r");

	*n = 0;
	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errcap, "%s: %s", path, os_strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		struct entry *x = &e[*n];
		int end = 0;

		lineno++;
		if (*n == MAX_ENTRIES || strchr(line, '\n') == NULL ||
		    sscanf(line, "%63s %u %3s %u %31s %llu %n", x->gateway,
		    &x->port, x->transport, &x->private_port, nonce,
		    &x->expires, &end) != 6 || line[end] != '\0' ||
		    x->port == 0 || x->port > 65535 || x->private_port == 0 ||
		    x->private_port > 65535 ||
		    (strcmp(x->transport, "tcp") != 0 &&
		    strcmp(x->transport, "udp") != 0) || hex_nonce(nonce,
		    x->nonce) != 0) {
			snprintf(err, errcap, "%s: line %u is corrupt (remove "
			    "the file to start afresh)", path, lineno);
			fclose(f);
			return -1;
		}
		(*n)++;
	}
	fclose(f);
	return 0;
}

static int
store(const char *path, const struct entry *e, size_t n, char *err,
    size_t errcap)
{
	unsigned long long now = (unsigned long long)time(NULL);
	size_t i, j, len = 0, cap = n * 128 + 1;
	char *buf = malloc(cap);
	int rc;

	if (buf == NULL) {
		snprintf(err, errcap, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (e[i].expires <= now)
			continue;
		len += (size_t)snprintf(buf + len, cap - len, "%s %u %s %u ",
		    e[i].gateway, e[i].port, e[i].transport,
		    e[i].private_port);
		for (j = 0; j < 12; j++)
			len += (size_t)snprintf(buf + len, cap - len, "%02x",
			    e[i].nonce[j]);
		len += (size_t)snprintf(buf + len, cap - len, " %llu\n",
		    e[i].expires);
	}
	/* not durable: the runtime directory lives in memory and is cleared
	 * at boot (and a record outliving a power cut would name mappings
	 * gone with the router's own state), so a flush to disk buys
	 * nothing and costs half a millisecond per map */
	rc = os_replace_file(path, buf, len, 0600, 0);
	if (rc != 0)
		snprintf(err, errcap, "%s: %s", path, os_strerror(errno));
	free(buf);
	return rc;
}

static int
same(const struct entry *x, const char *gw, unsigned port, int proto,
    unsigned private_port)
{
	return strcmp(x->gateway, gw) == 0 && x->port == port &&
	    strcmp(x->transport, proto_name(proto)) == 0 &&
	    (private_port == 0 || x->private_port == private_port);
}

/*
 * Under the lock: load, apply (put: replace or add; del: remove the
 * matching), store.  get: copy the first live match.  Returns 1 (found
 * or done), 0 (nothing matched), -1 (error in err).
 */
enum op { OP_PUT, OP_GET, OP_DEL };

static int
with_store(enum op op, const char *gw, unsigned port, int proto,
    unsigned private_port, uint8_t nonce[12], uint32_t lifetime,
    unsigned *found_port, char *err, size_t errcap)
{
	struct entry *e;
	char dir[400], path[512], lock[512];
	unsigned long long now = (unsigned long long)time(NULL);
	size_t n, i, kept = 0;
	int rc = 0, changed = 0;
	intptr_t lk;

	if (os_state_dir(dir, sizeof(dir), err, errcap) != 0)
		return -1;
	e = calloc(MAX_ENTRIES + 1, sizeof(*e));
	if (e == NULL) {
		snprintf(err, errcap, "out of memory");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/nonces", dir);
	snprintf(lock, sizeof(lock), "%s/lock", dir);
	lk = os_lock(lock, op != OP_GET);
	if (lk == -1) {
		snprintf(err, errcap, "%s: %s", lock, os_strerror(errno));
		free(e);
		return -1;
	}
	if (load(path, e, &n, err, errcap) != 0) {
		os_unlock(lk);
		free(e);
		return -1;
	}
	for (i = 0; i < n; i++) {
		int match = e[i].expires > now && same(&e[i], gw, port, proto,
		    private_port);

		if (match && op == OP_GET) {
			memcpy(nonce, e[i].nonce, 12);
			*found_port = e[i].private_port;
			rc = 1;
			break;
		}
		if (match || e[i].expires <= now) {
			changed = 1;
			if (match)
				rc = 1;
			continue;	/* replaced (put), removed (del) */
		}
		e[kept++] = e[i];
	}
	if (op == OP_PUT) {
		struct entry *x = &e[kept++];

		snprintf(x->gateway, sizeof(x->gateway), "%s", gw);
		x->port = port;
		snprintf(x->transport, sizeof(x->transport), "%s",
		    proto_name(proto));
		x->private_port = private_port;
		memcpy(x->nonce, nonce, 12);
		x->expires = now + lifetime;
		changed = 1;
		rc = 1;
	}
	if (op != OP_GET && changed &&
	    store(path, e, kept, err, errcap) != 0)
		rc = -1;
	os_unlock(lk);
	free(e);
	return rc;
}

int
nonce_put(const char *gw, unsigned port, int proto, unsigned private_port,
    const uint8_t nonce[12], uint32_t lifetime, char *err, size_t errcap)
{
	uint8_t copy[12];
	unsigned unused;

	memcpy(copy, nonce, 12);
	return with_store(OP_PUT, gw, port, proto, private_port, copy,
	    lifetime, &unused, err, errcap);
}

int
nonce_get(const char *gw, unsigned port, int proto, unsigned *private_port,
    uint8_t nonce[12], char *err, size_t errcap)
{
	return with_store(OP_GET, gw, port, proto, *private_port, nonce, 0,
	    private_port, err, errcap);
}

int
nonce_del(const char *gw, unsigned port, int proto, unsigned private_port,
    char *err, size_t errcap)
{
	uint8_t unused[12];
	unsigned u;

	return with_store(OP_DEL, gw, port, proto, private_port, unused, 0,
	    &u, err, errcap);
}
