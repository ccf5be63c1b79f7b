"""A DAG that proves the scheduler, the workers and the result backend work together."""

from datetime import datetime

from airflow.sdk import dag, task


@dag(schedule=None, start_date=datetime(2026, 1, 1), catchup=False, tags=["example"])
def hello():
    @task
    def greet() -> str:
        return "hello from a Celery worker"

    greet()


hello()
