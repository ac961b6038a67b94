"""File formats for bulk data: reading import files (CSV), writing exports (CSV, XLSX),
templates and reports. Depends on the domain only; the domain holds the rules."""
