"""``spark-submit`` entry point: ``spark-submit [--master URL] submit.py INPUT... --db URL``.

Print this file's path with ``python -m counterclaim.spark.submit --path``.
"""

import sys

if __name__ == "__main__":
    if sys.argv[1:] == ["--path"]:
        print(__file__)
        sys.exit(0)
    from counterclaim.spark.job import main

    sys.exit(main(sys.argv[1:]))
