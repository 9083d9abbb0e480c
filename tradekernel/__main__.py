import sys

from tradekernel.cli import main

sys.exit(main())
