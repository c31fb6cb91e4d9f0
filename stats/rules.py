"""Who reads the 办理情况统计: committee staff and agency members, each their own items."""

import rules

from proposals.rules import works_on_items

rules.add_perm("stats.read_statistics", works_on_items)
