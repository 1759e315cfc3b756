#!/bin/sh
# `make run`: starts intakebot on config/intakebot.conf with the console on
# standard input.  Type !help; Ctrl-D stops it.
set -eu
cd "$(dirname "$0")/.."
mkdir -p data
echo "intakebot: console ready; type !help (Ctrl-D to stop)" >&2
exec build/intakebot -c config/intakebot.conf --console
