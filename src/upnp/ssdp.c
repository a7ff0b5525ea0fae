/*
 * ssdp.c - SSDP's M-SEARCH, answers and NOTIFYs (see ssdp.h).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssdp.h"

size_t
pmp_ssdp_msearch(const char *st, const char *host, unsigned mx, char *out,
    size_t cap)
{
	int n;

	if (mx < 1)
		mx = 1;
	if (mx > 5)
		mx = 5;		/* UDA 1.1 §1.3.2: more is taken as 5 */
	n = snprintf(out, cap, "M-SEARCH * HTTP/1.1\r\n"
	    "HOST: %s\r\n"
	    "MAN: \"ssdp:discover\"\r\n"
	    "MX: %u\r\n"
	    "ST: %s\r\n"
	    "\r\n", host, mx, st);
	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Does the n-byte name equal s, case-insensitively? */
static int
name_is(const char *name, size_t n, const char *s)
{
	size_t i;

	if (strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)name[i]) != lower((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Copy the trimmed value into out (cap bytes with the NUL); -1 if it does
 * not fit or holds a control character. */
static int
copy_value(const char *v, size_t n, char *out, size_t cap)
{
	size_t i;

	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n >= cap)
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return -1;
	memcpy(out, v, n);
	out[n] = '\0';
	return 0;
}

static int
parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	*out = strtoul(s, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	return *end == '\0' && *out <= max ? 0 : -1;
}

/* One header line (without its CRLF) into m. */
static int
header(const char *line, size_t n, pmp_ssdp_msg_t *m, char *nts,
    size_t nts_cap)
{
	const char *colon = memchr(line, ':', n);
	size_t nl, vl;
	const char *v;
	char tmp[PMP_SSDP_TEXT];
	unsigned long u;

	if (colon == NULL || colon == line)
		return -1;
	nl = (size_t)(colon - line);
	v = colon + 1;
	vl = n - nl - 1;
	if (name_is(line, nl, "location"))
		return copy_value(v, vl, m->location, sizeof(m->location));
	if (name_is(line, nl, "st") || name_is(line, nl, "nt"))
		return copy_value(v, vl, m->st, sizeof(m->st));
	if (name_is(line, nl, "usn"))
		return copy_value(v, vl, m->usn, sizeof(m->usn));
	if (name_is(line, nl, "server")) {
		/* informative: one too long is dropped, not fatal */
		(void)copy_value(v, vl, m->server, sizeof(m->server));
		return 0;
	}
	if (name_is(line, nl, "nts"))
		return copy_value(v, vl, nts, nts_cap);
	if (name_is(line, nl, "bootid.upnp.org")) {
		if (copy_value(v, vl, tmp, sizeof(tmp)) != 0 ||
		    parse_uint(tmp, 0x7fffffffUL, &u) != 0)
			return -1;
		m->has_bootid = 1;
		m->bootid = (uint32_t)u;
		return 0;
	}
	if (name_is(line, nl, "cache-control")) {
		const char *a;

		if (copy_value(v, vl, tmp, sizeof(tmp)) != 0)
			return 0;	/* informative only */
		for (a = tmp; *a != '\0'; a++)
			if (strncmp(a, "max-age", 7) == 0 ||
			    strncmp(a, "MAX-AGE", 7) == 0)
				break;
		if (*a != '\0') {
			a += 7;
			while (*a == ' ')
				a++;
			if (*a == '=' && parse_uint(a + 1 + strspn(a + 1, " "),
			    86400UL * 365, &u) == 0)
				m->max_age = (unsigned)u;
		}
		return 0;
	}
	return 0;		/* others: not needed */
}

int
pmp_ssdp_parse(const uint8_t *b, size_t n, pmp_ssdp_msg_t *m)
{
	const char *p = (const char *)b, *end = p + n, *eol;
	char nts[32] = "";
	int first = 1;

	memset(m, 0, sizeof(*m));
	if (n == 0 || n > PMP_SSDP_MAX || memchr(b, '\0', n) != NULL)
		return -1;
	while (p < end) {
		size_t len;

		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			return -1;	/* every line ends, the last blank */
		len = (size_t)(eol - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (first) {
			/* "HTTP/1.1 200 OK" (any reason text), or a NOTIFY */
			if (len >= 12 && (memcmp(p, "HTTP/1.1 200", 12) == 0 ||
			    memcmp(p, "HTTP/1.0 200", 12) == 0) &&
			    (len == 12 || p[12] == ' '))
				m->kind = PMP_SSDP_ANSWER;
			else if (len == 17 && memcmp(p, "NOTIFY * HTTP/1.1",
			    17) == 0)
				m->kind = PMP_SSDP_ALIVE;	/* NTS decides */
			else
				return -1;
			first = 0;
		} else if (len == 0) {
			break;		/* end of the headers */
		} else if (header(p, len, m, nts, sizeof(nts)) != 0) {
			return -1;
		}
		p = eol + 1;
	}
	if (first || m->st[0] == '\0' || m->usn[0] == '\0')
		return -1;
	if (m->kind != PMP_SSDP_ANSWER) {
		if (strcmp(nts, "ssdp:alive") == 0)
			m->kind = PMP_SSDP_ALIVE;
		else if (strcmp(nts, "ssdp:byebye") == 0)
			m->kind = PMP_SSDP_BYEBYE;
		else if (strcmp(nts, "ssdp:update") == 0)
			m->kind = PMP_SSDP_UPDATE;
		else
			return -1;
	}
	if (m->kind != PMP_SSDP_BYEBYE && m->location[0] == '\0')
		return -1;
	return 0;
}
