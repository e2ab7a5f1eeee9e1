/* devforgectl demo-packages: builds and stores a package for every demo
 * version that lacks one (development stacks). */
#ifndef DF_CTL_PACKAGES_H
#define DF_CTL_PACKAGES_H

struct config;

/* Returns the exit status: 0 done, 1 failed. */
int ctl_packages_demo(const struct config *cfg);

#endif
