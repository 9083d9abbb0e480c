"""Order entry: OUCH 4.2 messages."""
