"""Quality measured on labelled articles and questions: search and tagging."""
