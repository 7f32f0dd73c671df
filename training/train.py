"""Entry point: ``python -m training.train CONFIG.yaml [--set key=value ...]``.

Multi-GPU: ``accelerate launch -m training.train CONFIG.yaml`` (the HF Trainer picks up the
distributed environment that accelerate sets).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import Any

from nlpkit.errors import NlpkitError
from training.cli import fail
from training.config import Config, load_config

TASK_MODULES = {
    "tokenizer": "training.tasks.tokenizer",
    "mlm": "training.tasks.mlm",
    "ner": "training.tasks.ner",
    "stance": "training.tasks.stance",
}


def run(config: Config) -> dict[str, Any]:
    """Run the task named by ``config.task`` and return its metrics."""
    module = importlib.import_module(TASK_MODULES[config.task])
    return module.run(config)


def main(argv: list[str] | None = None) -> int:
    """CLI wrapper: one clear line on configuration/data errors, exit code 2."""
    parser = argparse.ArgumentParser(prog="python -m training.train", description=__doc__.splitlines()[0])
    parser.add_argument("config", help="YAML config file (see configs/)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override a config key, e.g. --set train.max_steps=100 (repeatable)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = load_config(args.config, args.overrides)
        metrics = run(config)
    except NlpkitError as error:
        return fail(error)
    logging.getLogger("training").info("done: %s", {k: v for k, v in metrics.items() if not isinstance(v, dict)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
