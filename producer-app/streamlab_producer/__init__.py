"""streamlab producer: posts from a source into a Kinesis Data Stream, at least once."""

__version__ = "0.1.0"
