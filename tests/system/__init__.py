"""Several processes at once: crashes, workers sharing PostgreSQL, and the fuzzer."""
