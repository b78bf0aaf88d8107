"""Exporters: one module per target (RDF, GraphML, HTML, embedded stores)."""
