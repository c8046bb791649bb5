#ifndef LVS_CNETLINK_SHIM_H
#define LVS_CNETLINK_SHIM_H
// Only the libnl pieces IPVSNetlink/Internal uses: socket life cycle, generic
// netlink family resolution and raw send/receive. Message bytes are built and
// parsed in Swift (IPVSNetlink/Internal/Codec*).
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sched.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <stdlib.h>
// setns(2) is only declared under _GNU_SOURCE, which the Glibc module does not
// set; IPVSNetlink needs it to open a socket inside a network namespace.
int setns(int fd, int nstype);
static inline int cnetlink_setns_net(int fd) { return setns(fd, 0x40000000 /* CLONE_NEWNET */); }
#endif
