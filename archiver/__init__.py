"""cppcc-archiver: archive CPPCC leadership speeches with provenance."""

__version__ = "0.1.0"
