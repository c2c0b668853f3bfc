"""Chinese-aware client-side search: tokenizer, Lunr model, sharded index writer, Pelican glue.

:mod:`.tokenizer` (with its JS twin ``theme/static/js/search-tokenizer.js``), :mod:`.folding`,
:mod:`.stemmer`, :mod:`.lunr_index`, :mod:`.shards` and :mod:`.writer` are pure; :mod:`.glue`
wires them into Pelican.
"""
