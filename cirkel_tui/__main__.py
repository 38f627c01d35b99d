import gc

# Issue #17: no cyclic garbage collection while Cirkel starts (some 90 collections of the objects the
# imports make, ~5% of the start); a command turns it on again at once (cli.run), the TUI once its
# first frame is drawn (CirkelApp.on_ready).
gc.disable()

from .cli import main  # noqa: E402

main()
