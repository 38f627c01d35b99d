"""Where the program starts: the ``cirkel`` command and ``python -m cirkel_tui`` alike (issue #17).

No cyclic garbage collection while Cirkel starts (some 90 collections of the objects the imports
make, ~5 % of the start): a command turns it on again at once (``cli.run``), the TUI once its
first frame is drawn (``CirkelApp.on_ready``, which also freezes what the start made).
"""
import gc


def main() -> None:
    gc.disable()
    from .cli import main as run

    run()
