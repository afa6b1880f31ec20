/* missing: almost nothing (type_based___all_missing, type_id___missing_targets,
 * existence with no candidate at all). Every type/field/enum lookup finds no
 * candidate: existence kinds give 0, type kinds give 0, the rest poison. The
 * one type kept is an int so that int-rooted type_id relocations still find
 * their candidate. */
#include "target.h"
KEEP(int, i);
