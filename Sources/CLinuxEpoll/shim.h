// epoll and eventfd for RealServerChecks' TCP connect loop: Glibc's Swift module does not
// include <sys/epoll.h> or <sys/eventfd.h>. Header only; libc provides the symbols.
#include <sys/epoll.h>
#include <sys/eventfd.h>
