"""Background sync: articles and topics read in while the bot runs (the seeds folder, the
newsroom's TOPICS_FILE), and stored articles re-tagged when the topics change."""
