/*
 * cmd_keep.c - `pmp keep`: keep mappings alive in the foreground.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os.h"
#include "run.h"

static void
parse_spec(const char *spec, uint16_t *priv, uint16_t *pub)
{
	char buf[32];
	char *colon;

	size_t len = strlen(spec);

	if (len >= sizeof(buf))
		usage_error("'%s' is not PRIVATE[:PUBLIC]", spec);
	memcpy(buf, spec, len + 1);
	colon = strchr(buf, ':');
	*pub = 0;
	if (colon != NULL) {
		*colon = '\0';
		*pub = parse_port(colon + 1, "public port", 0);
	}
	/* 0: the gateway chooses (VPN providers) */
	*priv = parse_port(buf, "private port", 0);
}

int
cmd_keep(const struct opts *o, char **specs, int nspecs)
{
	static struct keeper kp;
	int protos[2], nprotos = 0, i, j, rc;
	uint32_t lifetime = o->have_lifetime ? o->lifetime :
	    PMP_DEFAULT_LIFETIME;

	if (o->udp)
		protos[nprotos++] = PMP_PROTO_UDP;
	if (o->tcp || !o->udp)
		protos[nprotos++] = PMP_PROTO_TCP;
	if (nspecs * nprotos > MAX_KEPT)
		usage_error("at most %d mappings", MAX_KEPT);
	for (i = 0; i < nspecs; i++) {
		uint16_t priv, pub;

		parse_spec(specs[i], &priv, &pub);
	}
	memset(&kp, 0, sizeof(kp));
	kp.o = o;
	kp.file_mode = os_file_mode();
	hook_init(&kp.hook, o->on_change, o->hook_timeout_ms);
	run_start(&kp);
	open_client(o, &kp.c);
	pmp_client_set_attempt_callback(kp.c, NULL, NULL);
	pmp_client_set_event_callback(kp.c, run_on_event, &kp);
	for (i = 0; i < nspecs; i++) {
		uint16_t priv, pub;

		parse_spec(specs[i], &priv, &pub);
		for (j = 0; j < nprotos; j++) {
			rc = pmp_keep(kp.c, protos[j], priv, pub, lifetime);
			if (rc < 0) {
				fprintf(stderr, "%s: keep: %s%s\n", PROGNAME,
				    pmp_strerror(rc), rc == PMP_ENOROUTE ||
				    rc == PMP_ENOGWADDR ? "; try -g GATEWAY" :
				    "");
				return run_finish(&kp, exit_for(rc) == EXIT_OK ?
				    EXIT_LOCAL : exit_for(rc));
			}
			kp.k[kp.n].id = (unsigned)rc;
			kp.k[kp.n].protocol = protos[j];
			kp.k[kp.n].private_port = priv;
			kp.n++;
		}
	}
	run_write_port_file(&kp);
	return run_finish(&kp, run_loop(&kp));
}
