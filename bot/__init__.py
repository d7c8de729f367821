"""The composition root: settings, which store, the Application and its lifecycle, the
capabilities in order, and the entry point. Its background roles live in packages of their
own: ``sync``, ``deliver``, ``serve``, ``transport`` and ``cluster``."""
