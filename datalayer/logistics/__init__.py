"""logistics (Senga SDE): customers, orders with delivery windows, vehicles, routes and their
ordered stops, routing decisions and their operational outcomes, as typed query functions over
``sql/logistics/``.

The functions and models are generated in ``_queries.py`` (``make gen``) and re-exported here.
Orders join a route only through ``update_orders_route`` (one round trip, all or nothing, backed
by ``logistics.assign_orders``); its refusals arrive as :class:`~datalayer.errors.OrderNotPending`,
:class:`~datalayer.errors.RouteNotPlanned`, :class:`~datalayer.errors.NotFound` and
:class:`~datalayer.errors.CheckViolation` (``routes_capacity_check``). Overlapping routes of one
vehicle raise :class:`~datalayer.errors.ExclusionViolation`; changing a committed decision raises
:class:`~datalayer.errors.CheckViolation` (``decisions_immutable_check``).
``datalayer logistics seed`` loads demo data (see :mod:`datalayer.logistics.cli`).
"""

from ._queries import *  # noqa: F403
from ._queries import __all__ as __all__
