#!/usr/bin/env python3
"""moto's server, with one change: the list of moto's own modules is read once.

Stock moto (5.x) lists its package folder and stats every entry in it (about 180) on every
request, to see whether the request's host names a module: cProfile put that at a third of its
CPU per S3 GET here. That listing is no part of S3; on a 2-core machine, where moto shares the
cores with the client it serves, it sets the pace of a scan. scripts/bench-s3.sh measures against
both this server and stock `moto_server`. Usage: moto-server-cached.py -H 127.0.0.1 -p PORT
"""
import sys

import moto.backends as backends

modules = list(backends.list_of_moto_modules())
backends.list_of_moto_modules = lambda: modules

from moto.server import main  # noqa: E402  (after the patch, so the server sees it)

sys.argv = ["moto_server"] + sys.argv[1:]
sys.exit(main())
