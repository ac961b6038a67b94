"""One module per feature; each exposes ``handlers()`` returning what it registers."""
