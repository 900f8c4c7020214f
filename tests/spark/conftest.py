"""One local[2] SparkSession for every Spark test (skipped without PySpark or a Java runtime)."""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime (apt-get install openjdk-17-jre-headless)")
    from counterclaim.spark.job import spark_session

    session = spark_session("local[2]", app_name="counterclaim-tests")
    session.conf.set("spark.sql.shuffle.partitions", "4")
    yield session
    session.stop()
