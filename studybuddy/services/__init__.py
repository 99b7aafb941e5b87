"""The facade the UI and the CLI call: one module per area."""
