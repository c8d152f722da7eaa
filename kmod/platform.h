/* SPDX-License-Identifier: GPL-2.0 */
/*
 * platform.h - the platform facts of GENODE_INFO (platform.c)
 */
#ifndef _GENODE_PLATFORM_H
#define _GENODE_PLATFORM_H

struct genode_info;

void genode_platform_init(void);
/* Fill in the GENODE_FEATURE_PLATFORM fields of @info. */
void genode_platform_info(struct genode_info *info);
/* Whether the pages [@first, @last] lie in the boot framebuffer's pages. */
bool genode_platform_in_boot_fb(u64 first, u64 last);

#endif /* _GENODE_PLATFORM_H */
