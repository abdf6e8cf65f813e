"""Local stand-ins (Kinesis, a throttling proxy) shared by tests/ and bench/producer."""
