"""TradeKernel host tooling: build, boot, test and benchmark the kernel."""

__version__ = "0.1.0"
