"""One reader module per data source; each returns datasets in the schema of docs/ARCHITECTURE.md."""
