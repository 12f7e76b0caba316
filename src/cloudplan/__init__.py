"""cloudplan: a command-line milestone tracker for public-sector IT roadmaps."""

__version__ = "0.1.0"
