/*
 * udprelay: the smallest useful media relay, as the physical baseline a relay is compared with.
 *
 *   udprelay BASE-PORT N        (127.0.0.1; stream i uses ports BASE+4i and BASE+4i+2)
 *
 * One thread, level-triggered epoll, recvmmsg/sendmmsg in batches. A packet arriving on one port of
 * a pair goes out of the other port to the last source seen on that other port (symmetric RTP
 * latching, nothing checked, payload never looked at); until that side has sent, it is dropped.
 * Runs until killed. The map line of stream i for rtpload is "127.0.0.1 BASE+4i BASE+4i+2".
 *
 * Build: cc -O2 -o udprelay udprelay.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define BATCH 32
#define MAX_PACKET 2048

struct port {
    int sock;
    int peer;                     /* index of the other port of the pair */
    struct sockaddr_in source;    /* last sender; port 0 until one was seen */
};

int main(int argc, char **argv) {
    int base = argc == 3 ? atoi(argv[1]) : 0, n = argc == 3 ? atoi(argv[2]) : 0;
    if (base < 1024 || n < 1 || base + 4 * n > 65535) {
        fprintf(stderr, "usage: udprelay BASE-PORT N\n");
        return 2;
    }
    struct rlimit files;
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
    struct port *ports = calloc(2 * n, sizeof *ports);
    int ep = epoll_create1(0);
    for (int i = 0; i < 2 * n; i++) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(base + 4 * (i / 2) + 2 * (i % 2))};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ports[i].sock = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        ports[i].peer = i ^ 1;
        if (ports[i].sock < 0 || bind(ports[i].sock, (struct sockaddr *) &a, sizeof a) != 0) {
            perror("udprelay: bind");
            return 1;
        }
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
        epoll_ctl(ep, EPOLL_CTL_ADD, ports[i].sock, &ev);
    }
    fprintf(stderr, "udprelay: %d pairs from port %d\n", n, base);

    static char buf[BATCH][MAX_PACKET];
    static struct iovec iov[BATCH];
    static struct mmsghdr in[BATCH], out[BATCH];
    static struct sockaddr_in from[BATCH];
    struct epoll_event events[256];
    while (1) {
        int ready = epoll_wait(ep, events, 256, -1);
        for (int e = 0; e < ready; e++) {
            struct port *p = &ports[events[e].data.u32], *peer = &ports[p->peer];
            for (int i = 0; i < BATCH; i++) {
                iov[i] = (struct iovec) {buf[i], MAX_PACKET};
                in[i].msg_hdr = (struct msghdr) {.msg_name = &from[i], .msg_namelen = sizeof from[i],
                                                 .msg_iov = &iov[i], .msg_iovlen = 1};
            }
            int got = recvmmsg(p->sock, in, BATCH, MSG_DONTWAIT, NULL);
            if (got <= 0) continue;
            p->source = from[got - 1];
            if (peer->source.sin_port == 0) continue;
            for (int i = 0; i < got; i++) {
                iov[i].iov_len = in[i].msg_len;
                out[i].msg_hdr = (struct msghdr) {.msg_name = &peer->source, .msg_namelen = sizeof peer->source,
                                                  .msg_iov = &iov[i], .msg_iovlen = 1};
            }
            sendmmsg(peer->sock, out, got, MSG_DONTWAIT);
        }
    }
}
