/*
 * url.c - http URLs of IGDs (see url.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/inet.h"
#include "url.h"

static int
clean(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* s into path (PMP_URL_MAX bytes) from offset at, NUL-terminated. */
static int
copy_path(char *path, size_t at, const char *s)
{
	size_t n = strlen(s);

	if (at + n >= PMP_URL_MAX)
		return -1;
	memcpy(path + at, s, n + 1);
	return 0;
}

int
pmp_url_parse(const char *text, pmp_url_t *u)
{
	const char *p, *host_end, *path;
	char host[48];
	size_t hl;
	unsigned long port = 80;
	int v6 = 0;

	memset(u, 0, sizeof(*u));
	if (strncmp(text, "http://", 7) != 0 && strncmp(text, "HTTP://", 7) != 0)
		return -1;
	if (strlen(text) >= PMP_URL_MAX || !clean(text))
		return -1;
	p = text + 7;
	path = strchr(p, '/');
	if (path == NULL)
		path = p + strlen(p);
	if (*p == '[') {
		host_end = memchr(p, ']', (size_t)(path - p));
		if (host_end == NULL)
			return -1;
		p++;
		v6 = 1;
	} else {
		host_end = memchr(p, ':', (size_t)(path - p));
		if (host_end == NULL)
			host_end = path;
	}
	hl = (size_t)(host_end - p);
	if (hl == 0 || hl >= sizeof(host))
		return -1;
	memcpy(host, p, hl);
	host[hl] = '\0';
	p = host_end + (v6 ? 1 : 0);
	if (p < path) {
		char *end;

		if (*p != ':' || p + 1 == path || p[1] < '0' || p[1] > '9')
			return -1;
		port = strtoul(p + 1, &end, 10);
		if (end != path || port == 0 || port > 65535)
			return -1;
	}
	if (v6) {
		if (inet_pton(AF_INET6, host, u->addr) != 1)
			return -1;
	} else {
		u->addr[10] = u->addr[11] = 0xff;
		if (inet_pton(AF_INET, host, u->addr + 12) != 1)
			return -1;
	}
	u->port = (uint16_t)port;
	snprintf(u->host, sizeof(u->host), v6 ? "[%s]:%lu" : "%s:%lu", host,
	    port);
	if (*path == '\0')
		path = "/";
	return copy_path(u->path, 0, path);
}

int
pmp_url_resolve(const pmp_url_t *base, const char *ref, pmp_url_t *out)
{
	const char *slash;
	size_t dir;

	if (strncmp(ref, "http://", 7) == 0 || strncmp(ref, "HTTP://", 7) == 0)
		return pmp_url_parse(ref, out);
	if (*ref == '\0' || !clean(ref))
		return -1;
	*out = *base;
	if (ref[0] == '/')
		return copy_path(out->path, 0, ref);
	/* relative to the base's directory */
	slash = strrchr(base->path, '/');
	dir = slash == NULL ? 0 : (size_t)(slash - base->path) + 1;
	if (dir == 0)
		out->path[dir++] = '/';
	return copy_path(out->path, dir, ref);
}
