/* SPDX-License-Identifier: MIT */
/*
 * network = none: the sandbox's network namespace is root's (lib/root/netns.c
 * in the module), made before the init, which is spawned inside it; sshd's
 * post-auth child is forked into it too, so every forwarding happens on
 * the sandbox's loopback. The helper never joins or makes a network
 * namespace: it checks that the one it inherited is the one root recorded,
 * and refuses to go on otherwise (a login whose sshd child stayed on the
 * host's network would forward around the profile).
 */
#include <errno.h>
#include <sys/stat.h>

#include "helper/helper.h"

int cs_net_check(unsigned long long ino)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st) < 0)
		return cs_fail(errno, "stat /proc/self/ns/net");
	if ((unsigned long long)st.st_ino != ino)
		return cs_fail(EPERM, "not in the sandbox's network namespace (inode %llu, expected %llu)",
			       (unsigned long long)st.st_ino, ino);
	return 0;
}
