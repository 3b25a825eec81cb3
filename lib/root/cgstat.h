/* SPDX-License-Identifier: MIT */
/*
 * What a per-user cgroup uses now, read from the directories a registry
 * entry lists (one per hierarchy: one on v2, one per controller on v1).
 * For `containsession list`; the module may log the same at teardown.
 */
#ifndef CS_CGSTAT_H
#define CS_CGSTAT_H

#include <stddef.h>
#include <stdint.h>

/* Memory in use, in bytes: memory.current (v2) or memory.usage_in_bytes
 * (v1), from the first directory that has the file. -ENOENT when none
 * has it (no memory controller there, or the cgroup is gone). */
int cs_cgroup_memory_current(char *const *dirs, size_t n, uint64_t *bytes);

/* Tasks (processes and threads): pids.current, else the lines of
 * cgroup.threads (v2) or tasks (v1) when no pids controller is there.
 * -ENOENT when no directory has any of them. */
int cs_cgroup_tasks_current(char *const *dirs, size_t n, uint64_t *tasks);

#endif
