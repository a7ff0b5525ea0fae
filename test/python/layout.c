/*
 * layout.c - the C compiler's view of pmp.h's structures, as JSON, for
 * test_layout.py to hold the ctypes declarations of python/pmp/_lib.py
 * against: every size and every field's offset.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stddef.h>
#include <stdio.h>

#include "pmp.h"

#define F(t, f) printf("%s\"%s\":%zu", first ? "" : ",", #f, \
	offsetof(t, f)), first = 0

int
main(void)
{
	int first;

	printf("{\"pmp_result_t\":{\"size\":%zu,\"fields\":{",
	    sizeof(pmp_result_t));
	first = 1;
	F(pmp_result_t, status); F(pmp_result_t, request_id);
	F(pmp_result_t, op); F(pmp_result_t, protocol);
	F(pmp_result_t, method); F(pmp_result_t, result_code);
	F(pmp_result_t, gateway); F(pmp_result_t, public_address);
	F(pmp_result_t, epoch); F(pmp_result_t, private_port);
	F(pmp_result_t, public_port); F(pmp_result_t, lifetime);
	F(pmp_result_t, attempts); F(pmp_result_t, elapsed_ms);
	F(pmp_result_t, nonce); F(pmp_result_t, private_address);
	F(pmp_result_t, reserved);
	printf("}},\"pmp_filter_t\":{\"size\":%zu,\"fields\":{",
	    sizeof(pmp_filter_t));
	first = 1;
	F(pmp_filter_t, address); F(pmp_filter_t, prefix_len);
	F(pmp_filter_t, port);
	printf("}},\"pmp_map_params_t\":{\"size\":%zu,\"fields\":{",
	    sizeof(pmp_map_params_t));
	first = 1;
	F(pmp_map_params_t, size); F(pmp_map_params_t, protocol);
	F(pmp_map_params_t, private_port); F(pmp_map_params_t, public_port);
	F(pmp_map_params_t, lifetime); F(pmp_map_params_t, flags);
	F(pmp_map_params_t, public_address); F(pmp_map_params_t, nonce);
	F(pmp_map_params_t, third_party); F(pmp_map_params_t, peer_address);
	F(pmp_map_params_t, peer_port); F(pmp_map_params_t, nfilters);
	F(pmp_map_params_t, filters);
	printf("}},\"pmp_fd_t\":{\"size\":%zu,\"fields\":{", sizeof(pmp_fd_t));
	first = 1;
	F(pmp_fd_t, fd); F(pmp_fd_t, events);
	printf("}},\"pmp_event_t\":{\"size\":%zu,\"fields\":{",
	    sizeof(pmp_event_t));
	first = 1;
	F(pmp_event_t, type); F(pmp_event_t, keep_id); F(pmp_event_t, status);
	F(pmp_event_t, method); F(pmp_event_t, result_code);
	F(pmp_event_t, protocol); F(pmp_event_t, private_port);
	F(pmp_event_t, public_port); F(pmp_event_t, previous_public_port);
	F(pmp_event_t, lifetime); F(pmp_event_t, retry_ms);
	F(pmp_event_t, epoch); F(pmp_event_t, public_address);
	F(pmp_event_t, previous_address); F(pmp_event_t, reserved);
	printf("}},\"pmp_gateway_info_t\":{\"size\":%zu,\"fields\":{",
	    sizeof(pmp_gateway_info_t));
	first = 1;
	F(pmp_gateway_info_t, gateway); F(pmp_gateway_info_t, source);
	F(pmp_gateway_info_t, ifname); F(pmp_gateway_info_t, method);
	F(pmp_gateway_info_t, reserved);
	printf("}},\"pmp_igd_info_t\":{\"size\":%zu,\"fields\":{",
	    sizeof(pmp_igd_info_t));
	first = 1;
	F(pmp_igd_info_t, friendly_name); F(pmp_igd_info_t, manufacturer);
	F(pmp_igd_info_t, model_name); F(pmp_igd_info_t, service_type);
	F(pmp_igd_info_t, location); F(pmp_igd_info_t, status);
	F(pmp_igd_info_t, reason); F(pmp_igd_info_t, reserved);
	printf("}}}\n");
	return 0;
}
