/* SPDX-License-Identifier: MIT */
/*
 * One pthread_atfork child handler for every slot of forkfd.h.
 *
 * The handler lives in this shared object, which pam_end() dlclose()s.
 * glibc ties a handler registered from a shared object to that object
 * (pthread_atfork passes __dso_handle) and removes it when the object is
 * unloaded, so no fork after pam_end can jump into unmapped code; and the
 * handler does nothing once its slots are disarmed (close_session, pam_end's
 * cleanup). Registered once per process, at the first arm: every later
 * login in it rearms the slots of the one handler.
 */
#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>

#include "pam_module/forkfd.h"

static struct {
	int fd;
	cs_forkfd_action *action;
} slots[CS_FORKFD_NSLOTS] = {
	[0 ... CS_FORKFD_NSLOTS - 1] = { .fd = -1 },
};
static bool registered;

/* In the child, right after fork: each armed fd is used once, then closed. */
static void in_child(void)
{
	for (int i = 0; i < CS_FORKFD_NSLOTS; i++) {
		if (slots[i].fd < 0)
			continue;
		slots[i].action(slots[i].fd);
		close(slots[i].fd);
		slots[i].fd = -1;
	}
}

int cs_forkfd_arm(enum cs_forkfd_slot slot, int fd, cs_forkfd_action *action,
		  struct cs_err *err)
{
	int r;

	if (!registered) {
		if ((r = pthread_atfork(NULL, NULL, in_child)) != 0)
			return cs_err_set(err, r, "pthread_atfork");
		registered = true;
	}
	cs_forkfd_disarm(slot);
	slots[slot].action = action;
	slots[slot].fd = fd;
	return 0;
}

void cs_forkfd_disarm(enum cs_forkfd_slot slot)
{
	if (slots[slot].fd >= 0)
		close(slots[slot].fd);
	slots[slot].fd = -1;
}
