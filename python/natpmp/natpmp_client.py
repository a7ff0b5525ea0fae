#!/usr/bin/python3
"""natpmp_client: py-natpmp's command, on libpmp.

    natpmp_client.py [-u] [-l lifetime] [-g gateway_addr] public_port
        private_port

Maps public_port (TCP, UDP with -u) to private_port on this host for
lifetime seconds (3600) and prints the gateway's answer as py-natpmp does:
    PortMapResponse: version 0, opcode 130 (130), result 0, ssec ...
A failure is one line on standard error and exit status 1 (py-natpmp
printed a traceback); bad usage, the usage line and exit status 255.
"""
import getopt
import sys

try:
    import natpmp as NATPMP
except ImportError:  # run from inside the package directory
    import NATPMP

USAGE = ("usage: natpmp-client.py [-u] [-l lifetime] [-g gateway_addr] "
         "public_port private_port")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    try:
        opts, args = getopt.getopt(argv, "ul:g:")
        if len(args) != 2:
            raise ValueError("two ports")
        public_port, private_port = int(args[0]), int(args[1])
        protocol = NATPMP.NATPMP_PROTOCOL_TCP
        lifetime = 3600
        gateway = None
        for name, val in opts:
            if name == "-u":
                protocol = NATPMP.NATPMP_PROTOCOL_UDP
            elif name == "-l":
                lifetime = int(val)
            elif name == "-g":
                gateway = val
    except (getopt.GetoptError, ValueError):
        print(USAGE)
        return 255
    try:
        if not gateway:
            gateway = NATPMP.get_gateway_addr()
        print(NATPMP.map_port(protocol, public_port, private_port, lifetime,
                              gateway_ip=gateway))
    except NATPMP.NATPMPError as e:
        msg = e.args[1] if len(e.args) > 1 else str(e)
        sys.stderr.write("natpmp_client: %s\n" % msg)
        return 1
    except ValueError as e:
        sys.stderr.write("natpmp_client: %s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
