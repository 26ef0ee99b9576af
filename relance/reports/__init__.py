"""Read-only figures about receivables: the dashboard's positions, the monthly trend, DSO."""
