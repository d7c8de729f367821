"""The composition root: settings, the Application, its lifecycle and the entry point."""
