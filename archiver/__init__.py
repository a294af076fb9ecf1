"""cppcc-archiver: archive CPPCC leadership speeches with provenance."""

__version__ = "0.1.0"
SOFTWARE = f"cppcc-archiver/{__version__}"  # how the archive's own records name their maker
