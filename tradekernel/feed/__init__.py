"""Market data: NASDAQ TotalView-ITCH 5.0 messages (and, later, MoldUDP64)."""
