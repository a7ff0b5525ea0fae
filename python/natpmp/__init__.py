"""natpmp: py-natpmp's API on libpmp (see natpmp.NATPMP)."""
from natpmp.NATPMP import *  # noqa: F401,F403  (as py-natpmp does)
from natpmp.NATPMP import __version__, __pmp_version__  # noqa: F401
