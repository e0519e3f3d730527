"""The only code importing the vendor clients: sources and sinks over their public API."""
