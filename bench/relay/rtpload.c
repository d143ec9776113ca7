/*
 * rtpload: RTP-like load for a media relay, and its ng control client. Linux, loopback only.
 *
 *   rtpload setup    --ng IP:PORT --streams N --map FILE [--prefix P] [--a-port 39000] [--b-port 39002]
 *   rtpload teardown --ng IP:PORT --streams N [--prefix P]
 *   rtpload run      --map FILE --streams N [--duration 15] [--warmup 2] [--a-port 39000] [--b-port 39002]
 *
 * setup: per stream i, an ng "offer" (call-id P-i, from-tag a, SDP: 127.0.0.1, m=audio A-PORT RTP/AVP 0)
 * and an "answer" (to-tag b, m=audio B-PORT); the relay's ports are read from the SDP it returns
 * and written as the map line "<relay ip> <port A sends to> <port B sends to>". Any relay that
 * speaks ng (Liaison's `bin/liaison relay`, rtpengine) is set up the same way; other relays write
 * the map themselves.
 *
 * run: every stream sends, each way, 172-byte packets (a 12-byte RTP header + 160 bytes, G.711 at
 * 20 ms) 50 times a second: A from A-PORT to the relay port of line i, B from B-PORT to the other.
 * Streams are phase-spread over the 20 ms period, B a half period after A; one thread wakes every
 * millisecond, sends what is due with sendmmsg and reads what arrived with recvmmsg. Each packet carries its
 * stream, direction, a "measured" flag and the wall-clock time just before the send; the receiver
 * takes the kernel's receive timestamp (SO_TIMESTAMPNS), so the one-way latency excludes our own
 * scheduling on the receiving side. Packets sent during the warm-up are not counted. After the
 * measured period the receiver drains for one second. A packet counts as misrouted when it
 * arrives on the wrong side or from another relay port than its stream's.
 *
 * Prints one line of key=value: streams, sent, received, lost, loss_pct, misrouted, duplicates-free
 * latency percentiles in microseconds (p50_us p99_us p999_us max_us; latencies of 100 ms and more
 * share the top bucket), forwarded (every packet that came back right, warm-up included: what the
 * relay forwarded during the run), late_pct (share of packets sent more than 2 ms after their schedule:
 * above ~1 % the generator, not the relay, was the limit) and gen_cpu_s (this process's CPU).
 *
 * Build: cc -O2 -o rtpload rtpload.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PACKET_BYTES 172
#define PERIOD_NS 20000000LL
#define BATCH 256
#define HIST_US 100000
#define MAX_STREAMS 20000
#define LATE_NS 2000000LL
#define TICK_NS 1000000LL

struct payload {          /* after the 12-byte RTP header */
    uint32_t stream;
    uint32_t dir;         /* 0: A to B, 1: B to A */
    uint32_t measured;
    uint32_t slot;        /* period number within the measured window */
    int64_t sent_ns;      /* CLOCK_REALTIME, as the kernel's receive timestamp */
};

static struct {
    const char *ng, *map, *prefix;
    int streams, duration, warmup, a_port, b_port;
} opt = {NULL, NULL, "rtpload", 0, 15, 2, 39000, 39002};

static void die(const char *what) {
    perror(what);
    exit(2);
}

static int64_t now_ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static int parse_addr(const char *text, struct sockaddr_in *out) {
    char ip[64];
    int port;
    if (sscanf(text, "%63[^:]:%d", ip, &port) != 2) return -1;
    *out = loopback(port);
    return inet_pton(AF_INET, ip, &out->sin_addr) == 1 ? 0 : -1;
}

/* ------------------------------------------------------------------ ng (bencode over UDP) */

static int bstr(char *out, size_t room, const char *s) {
    return snprintf(out, room, "%zu:%s", strlen(s), s);
}

/* Sends one ng command (keys in bencode's sorted order) and returns the reply's length, or -1. */
static int ng_call(int sock, const char *cookie, const char *call_id, const char *command,
                   const char *from_tag, const char *sdp, const char *to_tag, char *reply, int room) {
    char msg[4096];
    int n = snprintf(msg, sizeof msg, "%s d", cookie);
    n += bstr(msg + n, sizeof msg - n, "call-id"); n += bstr(msg + n, sizeof msg - n, call_id);
    n += bstr(msg + n, sizeof msg - n, "command"); n += bstr(msg + n, sizeof msg - n, command);
    if (from_tag) { n += bstr(msg + n, sizeof msg - n, "from-tag"); n += bstr(msg + n, sizeof msg - n, from_tag); }
    if (sdp) { n += bstr(msg + n, sizeof msg - n, "sdp"); n += bstr(msg + n, sizeof msg - n, sdp); }
    if (to_tag) { n += bstr(msg + n, sizeof msg - n, "to-tag"); n += bstr(msg + n, sizeof msg - n, to_tag); }
    n += snprintf(msg + n, sizeof msg - n, "e");
    size_t cookie_len = strlen(cookie);
    for (int attempt = 0; attempt < 5; attempt++) {
        if (send(sock, msg, n, 0) != n) die("ng send");
        struct pollfd p = {.fd = sock, .events = POLLIN};
        while (poll(&p, 1, 1000) == 1) {
            int got = recv(sock, reply, room - 1, 0);
            if (got < 0) die("ng recv");
            reply[got] = 0;
            if ((size_t) got > cookie_len && memcmp(reply, cookie, cookie_len) == 0 && reply[cookie_len] == ' ')
                return got;   /* a late reply to an earlier attempt has another cookie: skip it */
        }
    }
    return -1;
}

/* The port of the first m= line of the "sdp" value in an ng reply, or -1. */
static int reply_media_port(const char *reply) {
    if (!strstr(reply, "6:result2:ok")) return -1;
    const char *sdp = strstr(reply, "3:sdp");
    const char *m = sdp ? strstr(sdp, "m=audio ") : NULL;
    return m ? atoi(m + 8) : -1;
}

static void offer_sdp(char *out, size_t room, int port, int i) {
    snprintf(out, room,
             "v=0\r\no=- %d 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
             "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n", i + 1000, port);
}

static int ng_socket(void) {
    struct sockaddr_in to;
    if (!opt.ng || parse_addr(opt.ng, &to) != 0) { fprintf(stderr, "rtpload: --ng IP:PORT needed\n"); exit(2); }
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0 || connect(s, (struct sockaddr *) &to, sizeof to) != 0) die("ng socket");
    return s;
}

static int setup(void) {
    int s = ng_socket();
    FILE *map = fopen(opt.map, "w");
    if (!map) die(opt.map);
    char sdp[1024], reply[65536], cookie[64], call_id[128];
    for (int i = 0; i < opt.streams; i++) {
        snprintf(call_id, sizeof call_id, "%s-%d", opt.prefix, i);
        snprintf(cookie, sizeof cookie, "o%d-%d", getpid(), i);
        offer_sdp(sdp, sizeof sdp, opt.a_port, i);
        int port_b = ng_call(s, cookie, call_id, "offer", "a", sdp, NULL, reply, sizeof reply) < 0 ? -1 : reply_media_port(reply);
        if (port_b < 0) { fprintf(stderr, "rtpload: offer %s failed: %s\n", call_id, reply); return 1; }
        snprintf(cookie, sizeof cookie, "a%d-%d", getpid(), i);
        offer_sdp(sdp, sizeof sdp, opt.b_port, i);
        int port_a = ng_call(s, cookie, call_id, "answer", "a", sdp, "b", reply, sizeof reply) < 0 ? -1 : reply_media_port(reply);
        if (port_a < 0) { fprintf(stderr, "rtpload: answer %s failed: %s\n", call_id, reply); return 1; }
        /* the offer's reply is what B sends to, the answer's what A sends to */
        fprintf(map, "127.0.0.1 %d %d\n", port_a, port_b);
    }
    return fclose(map) == 0 ? 0 : 1;
}

static int teardown(void) {
    int s = ng_socket(), failed = 0;
    char reply[4096], cookie[64], call_id[128];
    for (int i = 0; i < opt.streams; i++) {
        snprintf(call_id, sizeof call_id, "%s-%d", opt.prefix, i);
        snprintf(cookie, sizeof cookie, "d%d-%d", getpid(), i);
        if (ng_call(s, cookie, call_id, "delete", "a", NULL, NULL, reply, sizeof reply) < 0) failed++;
    }
    if (failed) fprintf(stderr, "rtpload: %d deletes unanswered\n", failed);
    return failed ? 1 : 0;
}

/* ------------------------------------------------------------------ the load */

struct side {
    int sock;
    struct sockaddr_in *to;      /* per stream: the relay port this side sends to */
    int64_t phase_ns;            /* of this side's first packet after the start */
    long next;                   /* index of the next send: stream next % N, period next / N */
};

static uint32_t hist[HIST_US + 1];
static uint16_t *expected_src[2];   /* per direction and stream: the relay port it must come from */
static uint8_t *seen;               /* per (stream, direction, sequence in the measured window) */
static long sent[2], received, arrived, misrouted, duplicates, late;

static int open_side(int port) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = loopback(port);
    int size = 32 << 20, on = 1;
    if (s < 0 || bind(s, (struct sockaddr *) &a, sizeof a) != 0) die("bind endpoint");
    /* as root the forced size ignores net.core.rmem_max; else the plain one gets what it can */
    if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
        setsockopt(s, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0)
        setsockopt(s, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    if (setsockopt(s, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0) die("SO_TIMESTAMPNS");
    return s;
}

static void read_map(struct side *a, struct side *b) {
    FILE *f = fopen(opt.map, "r");
    if (!f) die(opt.map);
    a->to = calloc(opt.streams, sizeof *a->to);
    b->to = calloc(opt.streams, sizeof *b->to);
    expected_src[0] = calloc(opt.streams, sizeof(uint16_t));
    expected_src[1] = calloc(opt.streams, sizeof(uint16_t));
    char ip[64];
    int port_a, port_b;
    for (int i = 0; i < opt.streams; i++) {
        if (fscanf(f, "%63s %d %d", ip, &port_a, &port_b) != 3) {
            fprintf(stderr, "rtpload: %s has fewer than %d lines\n", opt.map, opt.streams);
            exit(2);
        }
        a->to[i] = loopback(port_a);
        b->to[i] = loopback(port_b);
        if (inet_pton(AF_INET, ip, &a->to[i].sin_addr) != 1) { fprintf(stderr, "rtpload: bad ip %s\n", ip); exit(2); }
        b->to[i].sin_addr = a->to[i].sin_addr;
        /* symmetric RTP: A's packets reach B from the port B sends to, and back */
        expected_src[0][i] = port_b;
        expected_src[1][i] = port_a;
    }
    fclose(f);
}

/* Sends every packet of side d due by now; the start of measuring and sending's end are in ns. */
static void send_due(struct side *side, int dir, int64_t start, int64_t measure_from, int64_t measure_to) {
    static char buf[BATCH][PACKET_BYTES];
    static struct mmsghdr msgs[BATCH];
    static struct iovec iov[BATCH];
    int64_t now = now_ns(CLOCK_MONOTONIC);
    int n = 0;
    while (1) {
        long period = side->next / opt.streams;
        int stream = side->next % opt.streams;
        int64_t due = start + side->phase_ns + period * PERIOD_NS + stream * PERIOD_NS / opt.streams;
        if (due > now || due >= measure_to) break;
        char *p = buf[n];
        memset(p, 0, PACKET_BYTES);
        p[0] = (char) 0x80;                            /* RTP version 2, payload type 0 (PCMU) */
        *(uint16_t *) (p + 2) = htons((uint16_t) period);
        *(uint32_t *) (p + 4) = htonl((uint32_t) (period * 160));
        *(uint32_t *) (p + 8) = htonl((uint32_t) stream * 2 + dir);
        struct payload *pl = (struct payload *) (p + 12);
        pl->stream = stream;
        pl->dir = dir;
        pl->measured = due >= measure_from;
        pl->slot = (uint32_t) ((due - measure_from) / PERIOD_NS);
        if (pl->measured) sent[dir]++;
        if (now - due > LATE_NS) late++;
        iov[n] = (struct iovec) {p, PACKET_BYTES};
        msgs[n].msg_hdr = (struct msghdr) {.msg_name = &side->to[stream], .msg_namelen = sizeof side->to[stream],
                                           .msg_iov = &iov[n], .msg_iovlen = 1};
        side->next++;
        if (++n == BATCH) break;
    }
    if (n == 0) return;
    int64_t wall = now_ns(CLOCK_REALTIME);
    for (int i = 0; i < n; i++) ((struct payload *) (buf[i] + 12))->sent_ns = wall;
    for (int done = 0; done < n;) {
        int r = sendmmsg(side->sock, msgs + done, n - done, 0);
        if (r < 0) {
            if (errno == EINTR || errno == ECONNREFUSED) continue;
            die("sendmmsg");
        }
        done += r;
    }
    if (n == BATCH) send_due(side, dir, start, measure_from, measure_to);
}

static void receive_all(int sock, int dir_expected, long periods) {
    static char buf[BATCH][PACKET_BYTES + 64];
    static char ctl[BATCH][64];
    static struct sockaddr_in from[BATCH];
    static struct mmsghdr msgs[BATCH];
    static struct iovec iov[BATCH];
    while (1) {
        for (int i = 0; i < BATCH; i++) {
            iov[i] = (struct iovec) {buf[i], sizeof buf[i]};
            msgs[i].msg_hdr = (struct msghdr) {.msg_name = &from[i], .msg_namelen = sizeof from[i],
                                               .msg_iov = &iov[i], .msg_iovlen = 1,
                                               .msg_control = ctl[i], .msg_controllen = sizeof ctl[i]};
        }
        int n = recvmmsg(sock, msgs, BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0) {
            if (n < 0 && errno != EAGAIN && errno != EINTR && errno != ECONNREFUSED) die("recvmmsg");
            return;
        }
        for (int i = 0; i < n; i++) {
            if (msgs[i].msg_len != PACKET_BYTES) { misrouted++; continue; }
            struct payload *pl = (struct payload *) (buf[i] + 12);
            if (pl->stream >= (uint32_t) opt.streams || pl->dir != (uint32_t) dir_expected
                || ntohs(from[i].sin_port) != expected_src[pl->dir][pl->stream]) {
                misrouted++;
                continue;
            }
            arrived++;
            if (!pl->measured) continue;
            if (pl->slot >= periods) { misrouted++; continue; }
            size_t key = ((size_t) pl->stream * 2 + pl->dir) * periods + pl->slot;
            if (seen[key]) { duplicates++; continue; }
            seen[key] = 1;
            int64_t rx = -1;
            for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                    struct timespec ts;
                    memcpy(&ts, CMSG_DATA(c), sizeof ts);
                    rx = ts.tv_sec * 1000000000LL + ts.tv_nsec;
                }
            if (rx < 0) rx = now_ns(CLOCK_REALTIME);
            int64_t us = (rx - pl->sent_ns) / 1000;
            hist[us < 0 ? 0 : us > HIST_US ? HIST_US : us]++;
            received++;
        }
    }
}

static long percentile(double q) {
    long rank = (long) (q * (received - 1)) + 1, count = 0;
    for (int us = 0; us <= HIST_US; us++)
        if ((count += hist[us]) >= rank) return us;
    return HIST_US;
}

static int run(void) {
    struct side a = {.sock = open_side(opt.a_port), .phase_ns = 0};
    struct side b = {.sock = open_side(opt.b_port), .phase_ns = PERIOD_NS / 2};
    read_map(&a, &b);
    long periods = (long) opt.duration * 1000000000LL / PERIOD_NS + 1;
    seen = calloc((size_t) opt.streams * 2 * periods, 1);
    if (!seen) die("calloc");
    int64_t start = now_ns(CLOCK_MONOTONIC) + 10000000LL;
    int64_t measure_from = start + (int64_t) opt.warmup * 1000000000LL;
    int64_t measure_to = measure_from + (int64_t) opt.duration * 1000000000LL;
    int64_t drain_to = measure_to + 1000000000LL;
    while (1) {
        int64_t now = now_ns(CLOCK_MONOTONIC);
        if (now >= drain_to) break;
        send_due(&a, 0, start, measure_from, measure_to);
        send_due(&b, 1, start, measure_from, measure_to);
        receive_all(b.sock, 0, periods);
        receive_all(a.sock, 1, periods);
        /* the next 1 ms tick: sends go out in per-tick batches; arrivals wait in the socket buffers
           (their kernel timestamps are taken on arrival, so waiting does not add to the latency) */
        int64_t tick = start + ((now_ns(CLOCK_MONOTONIC) - start) / TICK_NS + 1) * TICK_NS;
        struct timespec ts = {tick / 1000000000LL, tick % 1000000000LL};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    }
    long total = sent[0] + sent[1], lost = total - received;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    long all_sent = a.next + b.next;
    printf("streams=%d sent=%ld received=%ld lost=%ld loss_pct=%.4f misrouted=%ld duplicates=%ld "
           "p50_us=%ld p99_us=%ld p999_us=%ld max_us=%ld forwarded=%ld late_pct=%.2f gen_cpu_s=%.2f\n",
           opt.streams, total, received, lost, total ? 100.0 * lost / total : 0.0, misrouted, duplicates,
           received ? percentile(0.50) : -1, received ? percentile(0.99) : -1,
           received ? percentile(0.999) : -1, received ? percentile(1.0) : -1, arrived,
           all_sent ? 100.0 * late / all_sent : 0.0, cpu);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) goto usage;
    for (int i = 2; i < argc; i++) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) goto usage;
        i++;
        if (!strcmp(k, "--ng")) opt.ng = v;
        else if (!strcmp(k, "--map")) opt.map = v;
        else if (!strcmp(k, "--prefix")) opt.prefix = v;
        else if (!strcmp(k, "--streams")) opt.streams = atoi(v);
        else if (!strcmp(k, "--duration")) opt.duration = atoi(v);
        else if (!strcmp(k, "--warmup")) opt.warmup = atoi(v);
        else if (!strcmp(k, "--a-port")) opt.a_port = atoi(v);
        else if (!strcmp(k, "--b-port")) opt.b_port = atoi(v);
        else goto usage;
    }
    if (opt.streams < 1 || opt.streams > MAX_STREAMS || opt.duration < 1 || opt.duration > 60 || opt.warmup < 0)
        goto usage;
    if (!strcmp(argv[1], "setup") && opt.map) return setup();
    if (!strcmp(argv[1], "teardown")) return teardown();
    if (!strcmp(argv[1], "run") && opt.map) return run();
usage:
    fprintf(stderr, "usage: rtpload setup --ng IP:PORT --streams N --map FILE [--prefix P] [--a-port P] [--b-port P]\n"
                    "       rtpload teardown --ng IP:PORT --streams N [--prefix P]\n"
                    "       rtpload run --map FILE --streams N [--duration S<=60] [--warmup S] [--a-port P] [--b-port P]\n");
    return 2;
}
