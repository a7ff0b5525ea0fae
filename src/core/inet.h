/*
 * inet.h - where inet_pton() and inet_ntop() come from: POSIX's
 * <arpa/inet.h>, or Winsock's <ws2tcpip.h> (Vista and later).  Text
 * conversion only: the pure layers that include this open no socket.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef PMP_INET_H
#define PMP_INET_H

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#endif

#endif
