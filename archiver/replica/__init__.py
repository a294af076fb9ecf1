"""Replica CPPCC sites served on 127.0.0.1: what every crawl test, the demo and the benchmarks use.

Six sites, one per CMS family of docs/REPLICA-SPEC.md, each on its
own port, each with its own speech column reproducing the family's URLs, markup and quirks:

=========  ===============  =================================================================
slug       name             column (and what makes the family hard)
=========  ===============  =================================================================
trs        荆州市政协       ``/ldjh/index.shtml`` – pagination only in an inline script; the
                            real seed speech of 2023-05-22; multi-page article; cross-post
hanweb     金华市政协       ``/col/col1229712376/index.html`` – records only as XML in a script;
                            ``dataproxy.jsp`` GET ``?page=N`` and POST ``startrecord`` forms; GBK
legacy     凤山县政协       ``/news_list.php?id=12`` – gb2312 only in <meta>, GBK-only characters,
                            ``[1] [2] [3]`` article pages, static alias URLs
datepath   重庆市政协       ``/cqzx_content/node_115.htm`` – newspaper bylines, ``编辑:`` credit,
                            ``(上接第1版)``
post       深圳市政协       ``/szzx/ldjh/index.html`` – list only through a JSON API
detail     宿松县政协       ``/content/column/6790941?pageIndex=1`` – 24-hex article ids,
                            date glued to a title
=========  ===============  =================================================================

Entry points:

- ``python -m archiver.replica [--scale N] [--day N] [--host H] [--sites a,b]`` (``__main__``)
- :class:`archiver.replica.testing.ReplicaProcess` and the pytest fixtures ``replica`` /
  ``fresh_replica`` in ``tests/conftest.py``
- :func:`archiver.replica.gold.gold` – gold answers computed from the generator, in-process
- control endpoints: :mod:`archiver.replica.control`; fault modes: :mod:`archiver.replica.faults`

Layout: ``model`` (Article/Block/Response), ``corpus`` (phrase banks, seed text), ``specials``
(hand-written articles: speech forms, date formats, data traps; the articles themselves are data,
``data/specials.toml``), ``store`` (listing order, day changes, scale), ``chrome`` (sidebars,
footers, widgets), ``families/`` (one renderer per CMS), ``server`` / ``control`` (HTTP), ``gold``,
``faults``, ``assets`` (images, PDF, DOC).
Everything is deterministic: the same ``--scale`` and day give byte-identical pages.
"""
