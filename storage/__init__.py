"""The archive: raw HTTP exchanges, versions of articles, and their provenance.

``storage.db`` opens databases and runs migrations, ``storage.repository`` is what the crawler
calls, ``storage.export``/``warc``/``search``/``verify``/``diff`` serve the archive commands.
"""
