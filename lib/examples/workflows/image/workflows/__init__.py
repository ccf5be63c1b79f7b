"""Data workflows: an API that queues runs, workers that execute them, migrations and scheduled runs."""
