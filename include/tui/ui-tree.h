/* ui-tree.h — a table whose rows form a tree (the volumes pane's backing
 * chains): the order shown and the branch prefixes, computed on each
 * table_finish so that sorting orders siblings under their parent and the
 * view's own order gives back the tree exactly. */
#ifndef HVDECK_UI_TREE_H
#define HVDECK_UI_TREE_H

#include "tui/ui-table.h"

/* Order t->shown (the rows passing the filter) depth-first, siblings by
 * table_row_cmp, and rewrite the tree column as prefix + label. A shown
 * row whose parent is filtered out hangs under its nearest shown
 * ancestor. */
void tree_order(struct table *t);

#endif
