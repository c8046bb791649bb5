// epoll, eventfd and prctl for RealServerChecks' TCP connect loop: Glibc's Swift module does not
// include <sys/epoll.h>, <sys/eventfd.h> or <sys/prctl.h>. Libc provides the symbols.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>

// prctl is variadic, which Swift does not import: names the calling thread (at most 15 bytes),
// so that top, perf and /proc show the connect threads as themselves rather than as the thread
// that created them.
static inline int CLinuxEpoll_setThreadName(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}
