"""One module per flow: a Flow builder plus its pure transform."""
