/*
 * sys: the file-status system calls azkv makes, called directly. musl's
 * fstat, lstat, fchmod and fchown carry compatibility code azkv never
 * needs (O_PATH descriptors, kernels before 2.6.39, struct conversion for
 * 32-bit time) and it is most of their size. Only for 64-bit Linux, where
 * the kernel's struct stat is libc's (x86-64, arm64: checked at compile
 * time). Each returns 0, or -1 with errno set, as the libc call does.
 */
#ifndef AZKV_SYS_H
#define AZKV_SYS_H

#include <sys/stat.h>
#include <sys/types.h>

int sys_fstat(int fd, struct stat *st);
int sys_lstat(const char *path, struct stat *st);
int sys_fchmod(int fd, mode_t mode);
int sys_fchown(int fd, uid_t uid, gid_t gid);

#endif
