"""One module per Procurify resource: pure operation builders plus sync and async facades."""
