"""`python -m bench.layouts`: the layout generator's table (see bench/layouts/run.py)."""

import sys

from bench.layouts.run import main

sys.exit(main())
