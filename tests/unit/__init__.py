"""Pure logic, and the pieces around it on SQLite in a temporary file: seconds in all."""
