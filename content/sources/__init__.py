"""Where articles come from besides files: pages and feeds fetched over HTTP."""
