/*
 * xml.c - the bounded XML pull reader (see xml.h).  One pass, no
 * allocation, no recursion.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "xml.h"

void
pmp_xml_init(pmp_xml_t *x, const char *doc, size_t len)
{
	memset(x, 0, sizeof(*x));
	x->p = doc;
	x->end = doc + len;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
	    c == ':' || (unsigned char)c >= 0x80;
}

/* The first occurrence of the n-byte s in [p, end), or NULL. */
static const char *
find(const char *p, const char *end, const char *s, size_t n)
{
	for (; (size_t)(end - p) >= n; p++)
		if (memcmp(p, s, n) == 0)
			return p;
	return NULL;
}

static pmp_xml_kind_t
fail(pmp_xml_t *x, pmp_xml_token_t *t)
{
	x->p = x->end;
	x->depth = -1;		/* stays failed */
	t->kind = PMP_XML_ERROR;
	return PMP_XML_ERROR;
}

/* A name at x->p: its local part (after the last ':'). */
static int
read_name(pmp_xml_t *x, const char **name, size_t *len)
{
	const char *s = x->p, *local;

	while (x->p < x->end && is_name_char(*x->p))
		x->p++;
	if (x->p == s || (size_t)(x->p - s) > PMP_XML_MAX_NAME)
		return -1;
	for (local = x->p; local > s && local[-1] != ':'; local--)
		;
	if (local == x->p)
		return -1;	/* "prefix:" with no local name */
	*name = local;
	*len = (size_t)(x->p - local);
	return 0;
}

/* Skip the attributes up to '>' or "/>": quoted values may hold '>'. */
static int
skip_attributes(pmp_xml_t *x, int *empty)
{
	while (x->p < x->end) {
		char c = *x->p;

		if (c == '"' || c == '\'') {
			const char *q = memchr(x->p + 1, c,
			    (size_t)(x->end - x->p - 1));

			if (q == NULL)
				return -1;
			x->p = q + 1;
		} else if (c == '>') {
			x->p++;
			*empty = 0;
			return 0;
		} else if (c == '/' && x->p + 1 < x->end && x->p[1] == '>') {
			x->p += 2;
			*empty = 1;
			return 0;
		} else if (c == '<') {
			return -1;
		} else {
			x->p++;
		}
	}
	return -1;
}

static pmp_xml_kind_t
start_tag(pmp_xml_t *x, pmp_xml_token_t *t)
{
	int empty;

	x->p++;			/* '<' */
	if (read_name(x, &t->name, &t->name_len) != 0 ||
	    (x->p < x->end && !is_space(*x->p) && *x->p != '>' &&
	    *x->p != '/') || skip_attributes(x, &empty) != 0 ||
	    x->depth >= PMP_XML_MAX_DEPTH)
		return fail(x, t);
	x->name[x->depth] = t->name;
	x->name_len[x->depth] = t->name_len;
	t->depth = ++x->depth;
	x->pending_end = empty;
	t->kind = PMP_XML_START;
	return PMP_XML_START;
}

static pmp_xml_kind_t
end_tag(pmp_xml_t *x, pmp_xml_token_t *t)
{
	x->p += 2;		/* "</" */
	if (read_name(x, &t->name, &t->name_len) != 0)
		return fail(x, t);
	while (x->p < x->end && is_space(*x->p))
		x->p++;
	if (x->p >= x->end || *x->p != '>' || x->depth == 0 ||
	    t->name_len != x->name_len[x->depth - 1] ||
	    memcmp(t->name, x->name[x->depth - 1], t->name_len) != 0)
		return fail(x, t);
	x->p++;
	t->depth = x->depth--;
	t->kind = PMP_XML_END;
	return PMP_XML_END;
}

/* Comments, processing instructions, DOCTYPE: skipped; CDATA: text. */
static int
markup(pmp_xml_t *x, pmp_xml_token_t *t)
{
	const char *q;
	size_t left = (size_t)(x->end - x->p);

	if (left >= 4 && memcmp(x->p, "<!--", 4) == 0) {
		q = find(x->p + 4, x->end, "-->", 3);
		if (q == NULL)
			return -1;
		x->p = q + 3;
		return 0;
	}
	if (left >= 9 && memcmp(x->p, "<![CDATA[", 9) == 0) {
		q = find(x->p + 9, x->end, "]]>", 3);
		if (q == NULL || x->depth == 0)
			return -1;
		t->kind = PMP_XML_TEXT;
		t->text = x->p + 9;
		t->text_len = (size_t)(q - t->text);
		t->cdata = 1;
		t->depth = x->depth;
		x->p = q + 3;
		return 1;
	}
	if (left >= 2 && x->p[1] == '?') {
		q = find(x->p + 2, x->end, "?>", 2);
		if (q == NULL)
			return -1;
		x->p = q + 2;
		return 0;
	}
	/* <!DOCTYPE ...> (without an internal subset: none is needed) */
	q = memchr(x->p, '>', left);
	if (q == NULL || memchr(x->p + 1, '<', (size_t)(q - x->p - 1)) != NULL)
		return -1;
	x->p = q + 1;
	return 0;
}

pmp_xml_kind_t
pmp_xml_next(pmp_xml_t *x, pmp_xml_token_t *t)
{
	memset(t, 0, sizeof(*t));
	if (x->depth < 0)
		return fail(x, t);
	if (x->pending_end) {
		x->pending_end = 0;
		t->kind = PMP_XML_END;
		t->name = x->name[x->depth - 1];
		t->name_len = x->name_len[x->depth - 1];
		t->depth = x->depth--;
		return PMP_XML_END;
	}
	while (x->p < x->end) {
		if (*x->p != '<') {
			const char *s = x->p, *lt = memchr(x->p, '<',
			    (size_t)(x->end - x->p));

			x->p = lt != NULL ? lt : x->end;
			if (x->depth == 0) {
				/* outside the root: white space only */
				for (; s < x->p; s++)
					if (!is_space(*s))
						return fail(x, t);
				continue;
			}
			t->kind = PMP_XML_TEXT;
			t->text = s;
			t->text_len = (size_t)(x->p - s);
			t->depth = x->depth;
			return PMP_XML_TEXT;
		}
		if (x->p + 1 < x->end && x->p[1] == '/')
			return end_tag(x, t);
		if (x->p + 1 < x->end && (x->p[1] == '!' || x->p[1] == '?')) {
			int r = markup(x, t);

			if (r < 0)
				return fail(x, t);
			if (r > 0)
				return PMP_XML_TEXT;
			continue;
		}
		return start_tag(x, t);
	}
	if (x->depth != 0)
		return fail(x, t);	/* unclosed elements */
	t->kind = PMP_XML_END_OF_DOCUMENT;
	return PMP_XML_END_OF_DOCUMENT;
}

int
pmp_xml_is(const pmp_xml_token_t *t, const char *s)
{
	size_t n = strlen(s);

	return t->name != NULL && t->name_len == n &&
	    memcmp(t->name, s, n) == 0;
}

/* One reference at p (after '&', up to ';'): its character, or -1. */
static int
reference(const char *p, size_t n)
{
	static const struct {
		const char *name;
		char c;
	} named[] = { { "lt", '<' }, { "gt", '>' }, { "amp", '&' },
	    { "quot", '"' }, { "apos", '\'' } };
	unsigned long v = 0;
	size_t i;

	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strlen(named[i].name) == n &&
		    memcmp(p, named[i].name, n) == 0)
			return named[i].c;
	if (n < 2 || n > 8 || p[0] != '#')
		return -1;
	if (p[1] == 'x' || p[1] == 'X') {
		if (n < 3)
			return -1;
		for (i = 2; i < n; i++) {
			char c = p[i];

			if (c >= '0' && c <= '9')
				v = v * 16 + (unsigned long)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v = v * 16 + (unsigned long)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v = v * 16 + (unsigned long)(c - 'A' + 10);
			else
				return -1;
		}
	} else {
		for (i = 1; i < n; i++) {
			if (p[i] < '0' || p[i] > '9')
				return -1;
			v = v * 10 + (unsigned long)(p[i] - '0');
		}
	}
	/* ASCII only: what UPnP's values (addresses, URLs, numbers) hold */
	return v >= 1 && v < 0x80 ? (int)v : -1;
}

int
pmp_xml_text(const pmp_xml_token_t *t, char *out, size_t cap)
{
	const char *p = t->text, *end = t->text + t->text_len;
	size_t n = 0;

	if (t->kind != PMP_XML_TEXT || cap == 0)
		return -1;
	while (p < end && is_space(*p))
		p++;
	while (end > p && is_space(end[-1]))
		end--;
	while (p < end) {
		char c = *p++;

		if (c == '&' && !t->cdata) {
			const char *semi = memchr(p, ';', (size_t)(end - p));
			int r;

			if (semi == NULL ||
			    (r = reference(p, (size_t)(semi - p))) < 0)
				return -1;
			c = (char)r;
			p = semi + 1;
		}
		if (n + 1 >= cap)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return (int)n;
}
