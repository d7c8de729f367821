"""The workers that share one store: this process's membership, its share of the rate, and
whether it leads the scheduled jobs."""
