"""One module per QAD resource: pure operation builders plus sync and async facades."""
