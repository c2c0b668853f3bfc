"""Article pages rendered once: a rebuild copies each unchanged page instead of rendering it
(:mod:`.keys`, :mod:`.store`, :mod:`.copier`; the Pelican glue in :mod:`.glue`)."""
