"""The UDP ports of the kernel's services and of the venue, as
kernel/net/ports.h defines them (tests/python/test_ports.py checks that the
two agree)."""

ECHO = 7
CONTROL = 9
VENUE_FEED = 26400  # the venue sends the feed from it; mode=net acknowledges on it
FEED = 26500  # MoldUDP64 into the kernel (mode=trade)
REWINDER = 26501  # retransmission requests, at the rewinder
ORDER_GATEWAY = 15000  # OUCH 4.2 orders, at the gateway
ORDER_LOCAL = 15001  # ... sent from this port; the venue's answers come to it
ORDER_REWINDER = 15002  # retransmission requests for answers, at the gateway
