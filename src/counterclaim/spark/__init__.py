"""Apache Spark: the analysis of a corpus beyond one machine, writing the same ledger as ``ingest``.

:func:`counterclaim.spark.job.spark_ingest` is the job; ``counterclaim spark-ingest`` and
``spark-submit counterclaim/spark/submit.py`` run it. Needs the ``spark`` extra
(``pip install 'counterclaim[spark]'``) and a Java runtime.
"""
