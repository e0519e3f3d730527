"""One module per Procore resource: pure operation builders plus one-line sync/async facades."""
