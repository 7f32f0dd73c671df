"""One reader module per data source; use :func:`nlpkit.data.load` rather than these directly."""
